package dev.vinfer.runtime.io;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1-3, C order, little- or big-endian numeric dtypes
 * and bool), the usual way to move arrays between Python and Java.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * Reads a {@code .npy} file into a tensor of the matching dtype and shape (a Fortran-order array is rejected;
     * big-endian data is converted).
     *
     * @throws IOException if the file cannot be read
     * @throws VinferException if it is not a supported {@code .npy} file
     */
    public static Tensor read(Path file) throws IOException {
        return read(Files.readAllBytes(file), file.toString());
    }

    /** Parses .npy bytes; {@code what} names the source in error messages. */
    public static Tensor read(byte[] bytes, String what) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (byte m : MAGIC) {
            if (!b.hasRemaining() || b.get() != m) {
                throw new VinferException(what + " is not a .npy file");
            }
        }
        if (b.remaining() < 4) {
            throw new VinferException(what + ": truncated .npy header");
        }
        int major = b.get();
        b.get();
        long headerLen = major == 1 ? (b.getShort() & 0xFFFF) : (b.getInt() & 0xFFFFFFFFL);
        if (headerLen > b.remaining()) {
            throw new VinferException(what + ": truncated .npy header");
        }
        byte[] h = new byte[(int) headerLen];
        b.get(h);
        String header = new String(h, major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) {
            throw new VinferException(what + ": cannot parse .npy header " + header.trim());
        }
        if (f.find() && f.group(1).equals("True")) {
            throw new VinferException(what + ": Fortran-order .npy arrays are not supported");
        }
        DType dtype = dtypeOf(d.group(2), Integer.parseInt(d.group(3)), what);
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Long.parseLong(part.trim()));
            }
        }
        long[] ld = dims.stream().mapToLong(Long::longValue).toArray();
        int[] shape = Shapes.fromLongs(ld);
        int n = Shapes.size(shape);
        if ((long) n * dtype.byteSize() > b.remaining()) {
            throw new VinferException(what + ": data is shorter than shape " + Shapes.toString(shape) + " needs");
        }
        ByteBuffer data = b.slice().order(order);
        Tensor t = Tensor.zeros(dtype, shape);
        switch (dtype) {
            case FLOAT32 -> data.asFloatBuffer().get(t.floats(), 0, n);
            case FLOAT64 -> data.asDoubleBuffer().get(t.doubles(), 0, n);
            case INT64, UINT64 -> data.asLongBuffer().get(t.longs(), 0, n);
            case INT32, UINT32 -> data.asIntBuffer().get(t.ints(), 0, n);
            case INT16, UINT16 -> data.asShortBuffer().get(t.shorts(), 0, n);
            case INT8, UINT8, BOOL -> data.get(t.bytes(), 0, n);
        }
        return t;
    }

    private static DType dtypeOf(String kind, int bytes, String what) {
        DType t = switch (kind + bytes) {
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "i1" -> DType.INT8;
            case "u1" -> DType.UINT8;
            case "i2" -> DType.INT16;
            case "u2" -> DType.UINT16;
            case "i4" -> DType.INT32;
            case "u4" -> DType.UINT32;
            case "i8" -> DType.INT64;
            case "u8" -> DType.UINT64;
            case "b1" -> DType.BOOL;
            default -> null;
        };
        if (t == null) {
            throw new VinferException(what + ": .npy dtype '" + kind + bytes + "' is not supported");
        }
        return t;
    }

    /** Writes a tensor as a version 1.0 .npy file (little-endian, C order). */
    public static void write(Tensor t, Path file) throws IOException {
        Files.write(file, toBytes(t));
    }

    /**
     * The bytes of a version 1.0 {@code .npy} file holding {@code t} (little-endian, C order): what {@link #write}
     * stores.
     */
    public static byte[] toBytes(Tensor t) {
        String descr = switch (t.dtype()) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case INT16 -> "<i2";
            case UINT16 -> "<u2";
            case INT32 -> "<i4";
            case UINT32 -> "<u4";
            case INT64 -> "<i8";
            case UINT64 -> "<u8";
            case BOOL -> "|b1";
        };
        StringBuilder shape = new StringBuilder("(");
        for (int d : t.shape()) {
            shape.append(d).append(", ");
        }
        if (t.rank() > 1) {
            shape.setLength(shape.length() - 2);
        } else if (t.rank() == 1) {
            shape.setLength(shape.length() - 1);
        }
        shape.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = MAGIC.length + 4 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        int n = t.size();
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + n * t.dtype().byteSize())
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        Tensor c = t.copy();
        switch (t.dtype()) {
            case FLOAT32 -> b.asFloatBuffer().put(c.floats());
            case FLOAT64 -> b.asDoubleBuffer().put(c.doubles());
            case INT64, UINT64 -> b.asLongBuffer().put(c.longs());
            case INT32, UINT32 -> b.asIntBuffer().put(c.ints());
            case INT16, UINT16 -> b.asShortBuffer().put(c.shorts());
            case INT8, UINT8, BOOL -> {
                int p = b.position();
                b.position(p);
                b.put(c.bytes());
            }
        }
        return b.array();
    }
}
