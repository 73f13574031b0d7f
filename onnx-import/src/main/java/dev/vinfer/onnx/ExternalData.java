package dev.vinfer.onnx;

import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads tensor data stored beside a model file ({@code data_location = EXTERNAL}).
 *
 * <p>A model from the internet chooses these paths, so they are confined to the model's folder: absolute paths,
 * {@code ..} segments and symbolic links that resolve outside the folder are refused (the path-traversal CVEs
 * of other runtimes). Offsets and lengths are checked against the file before reading. The file region is
 * memory-mapped (64-bit offsets and lengths, so files and tensors past 2 GiB work) and copied straight into the
 * tensor's array; the mapping is released right after, so no file stays mapped or open.
 */
public final class ExternalData {
    private final Path baseDir;
    private final long maxBytes;
    private long bytesRead;

    /**
     * A reader confined to one folder.
     *
     * @param baseDir the model's folder; every external file must resolve inside it
     * @param maxBytes total bytes this reader may read over all tensors ({@link Limits#maxExternalDataBytes()})
     */
    public ExternalData(Path baseDir, long maxBytes) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
    }

    /** The tensor {@code p} describes, of the given (already checked) dtype and shape, read from its file. */
    public synchronized Tensor read(TensorProto p, DType dtype, int[] shape) {
        String what = "tensor '" + p.getName() + "'";
        String location = TensorProtos.externalKey(p, "location");
        if (location == null || location.isEmpty()) {
            throw new ModelException(what + ": external data without a location");
        }
        Path file = confine(location, what);
        int n = dev.vinfer.runtime.Shapes.size(shape);
        long expectedBytes = Limits.bytesOf(dtype, n);
        long offset = parseLong(TensorProtos.externalKey(p, "offset"), 0, what, "offset");
        long length = parseLong(TensorProtos.externalKey(p, "length"), expectedBytes, what, "length");
        if (length != expectedBytes) {
            throw new ModelException(what + ": external length " + length + " but the shape needs " + expectedBytes
                    + " bytes");
        }
        if (length > maxBytes - bytesRead) {
            throw new ModelException(what + ": external data exceeds the limit of " + maxBytes
                    + " bytes (maxExternalDataBytes)");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (offset < 0 || offset > size || length > size - offset) {
                throw new ModelException(what + ": external data at offset " + offset + " length " + length
                        + " lies outside '" + location + "' (" + size + " bytes)");
            }
            bytesRead += length;
            Tensor t = Tensor.zeros(dtype, shape);
            if (n > 0) {
                MemorySegment region = ch.map(FileChannel.MapMode.READ_ONLY, offset, length, arena);
                copy(region, dtype, t, n);
            }
            return t;
        } catch (IOException e) {
            throw new ModelException(what + ": cannot read external data '" + location + "': " + e.getMessage(), e);
        }
    }

    /** Copies little-endian elements from the mapped region into the tensor's array. */
    private static void copy(MemorySegment src, DType dtype, Tensor t, int n) {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        switch (dtype) {
            case FLOAT32 -> MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(le), 0, t.floats(), 0, n);
            case FLOAT64 -> MemorySegment.copy(src, ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(le), 0, t.doubles(), 0,
                    n);
            case INT64, UINT64 -> MemorySegment.copy(src, ValueLayout.JAVA_LONG_UNALIGNED.withOrder(le), 0, t.longs(),
                    0, n);
            case INT32, UINT32 -> MemorySegment.copy(src, ValueLayout.JAVA_INT_UNALIGNED.withOrder(le), 0, t.ints(), 0,
                    n);
            case INT16, UINT16 -> MemorySegment.copy(src, ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(le), 0,
                    t.shorts(), 0, n);
            case INT8, UINT8 -> MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, t.bytes(), 0, n);
            case BOOL -> {
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, t.bytes(), 0, n);
                TensorProtos.normalizeBools(t.bytes(), n);
            }
        }
    }

    private Path confine(String location, String what) {
        Path rel;
        try {
            rel = Path.of(location);
        } catch (RuntimeException e) {
            throw new ModelException(what + ": invalid external data path '" + location + "'");
        }
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\") || location.contains(":")) {
            throw new ModelException(what + ": external data path '" + location
                    + "' is absolute; it must be relative to the model's folder");
        }
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                throw new ModelException(what + ": external data path '" + location
                        + "' leaves the model's folder");
            }
        }
        Path file = baseDir.resolve(rel).normalize();
        try {
            Path realBase = baseDir.toRealPath();
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
                throw new ModelException(what + ": external data file '" + location + "' not found in " + baseDir);
            }
            Path real = file.toRealPath();
            if (!real.startsWith(realBase)) {
                throw new ModelException(what + ": external data path '" + location
                        + "' resolves outside the model's folder");
            }
            if (!Files.isRegularFile(real)) {
                throw new ModelException(what + ": external data '" + location + "' is not a regular file");
            }
            return real;
        } catch (IOException e) {
            throw new ModelException(what + ": cannot resolve external data '" + location + "': " + e.getMessage(), e);
        }
    }

    private static long parseLong(String s, long dflt, String what, String key) {
        if (s == null || s.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new ModelException(what + ": external data " + key + " '" + s + "' is not a number");
        }
    }
}
