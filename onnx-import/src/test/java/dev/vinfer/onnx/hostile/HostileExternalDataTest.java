package dev.vinfer.onnx.hostile;

import static dev.vinfer.onnx.hostile.Hostile.rejects;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.StringStringEntryProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External data a hostile model points at: paths out of the model's folder, offsets and lengths that do not fit,
 * and legitimately large files (a sparse file with a tensor past 2 GiB and past 4 GiB).
 */
class HostileExternalDataTest {
    @TempDir
    Path tmp;

    private static StringStringEntryProto kv(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    /** A model whose single output is the external float tensor 'w' of {@code dims}. */
    private Path model(Path dir, String location, String offset, String length, int dataType, long... dims)
            throws Exception {
        TensorProto.Builder w = TensorProto.newBuilder().setName("w").setDataType(dataType)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(kv("location", location));
        for (long d : dims) {
            w.addDims(d);
        }
        if (offset != null) {
            w.addExternalData(kv("offset", offset));
        }
        if (length != null) {
            w.addExternalData(kv("length", length));
        }
        GraphProto g = GraphProto.newBuilder().setName("g").addInitializer(w)
                .addOutput(tensorInfo("w", DType.FLOAT32)).build();
        Path file = dir.resolve("model.onnx");
        Files.write(file, dev.vinfer.testdata.Models.model(g, 17).toByteArray());
        return file;
    }

    private Path floats(String name, float... v) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, b.array());
        return p;
    }

    private static float[] load(Path model) {
        try (Session s = Vinfer.open(model)) {
            return s.run(Map.of()).get("w").toFloatArray();
        }
    }

    @Test
    void pathsThatLeaveTheFolderAreRefused() throws Exception {
        floats("w.bin", 1, 2);
        floats("sub/w.bin", 1, 2);
        for (String bad : new String[] {"../w.bin", "/etc/passwd", "sub/../../w.bin", "sub/../w.bin", "C:\\w.bin",
            "\\\\server\\share\\w.bin", "file:w.bin", "./../w.bin", "sub/./../../etc/passwd", "w.bin\u0000.txt"}) {
            Path m = model(tmp, bad, null, "8", 1, 2);
            rejects(() -> load(m), "'w'");
        }
        // A symbolic link to a directory outside, and a link to a file outside, both inside the folder.
        Path outsideDir = Files.createTempDirectory("vinfer-outside");
        Files.write(outsideDir.resolve("secret.bin"), new byte[8]);
        Files.createSymbolicLink(tmp.resolve("linkdir"), outsideDir);
        Path viaDir = model(tmp, "linkdir/secret.bin", null, "8", 1, 2);
        rejects(() -> load(viaDir), "outside");
        Files.createSymbolicLink(tmp.resolve("link.bin"), outsideDir.resolve("secret.bin"));
        Path viaLink = model(tmp, "link.bin", null, "8", 1, 2);
        rejects(() -> load(viaLink), "outside");
        // A link that stays inside the folder is fine.
        Files.createSymbolicLink(tmp.resolve("inside.bin"), tmp.resolve("w.bin"));
        assertArrayEquals(new float[] {1, 2}, load(model(tmp, "inside.bin", null, "8", 1, 2)));
        // Not a regular file.
        Path dir = model(tmp, "sub", null, "8", 1, 2);
        rejects(() -> load(dir), "regular file");
        Files.delete(tmp.resolve("linkdir"));
        Files.delete(tmp.resolve("link.bin"));
        Files.delete(outsideDir.resolve("secret.bin"));
        Files.delete(outsideDir);
    }

    @Test
    void offsetsAndLengthsMustFitTheFile() throws Exception {
        floats("w.bin", 1, 2, 3, 4);
        assertArrayEquals(new float[] {3, 4}, load(model(tmp, "w.bin", "8", "8", 1, 2)));
        assertArrayEquals(new float[] {2, 3}, load(model(tmp, "w.bin", "4", null, 1, 2)));
        for (String[] bad : new String[][] {{"-4", "8"}, {"12", "8"}, {"16", "8"}, {"9223372036854775807", "8"},
            {"0", "12"}, {"0", "-8"}, {"zero", "8"}, {"0", "8 bytes"}, {"0", "99999999999999999999"}}) {
            Path m = model(tmp, "w.bin", bad[0], bad[1], 1, 2);
            rejects(() -> load(m), "'w'");
        }
        // A total over maxExternalDataBytes.
        Path m = model(tmp, "w.bin", "0", "8", 1, 2);
        Limits d = Limits.defaults();
        SessionOptions tight = new SessionOptions().limits(d.withMaxExternalDataBytes(4));
        rejects(() -> Vinfer.open(m, tight), "maxExternalDataBytes");
    }

    @Test
    void tensorsPastTwoAndFourGibibytesInASparseFileLoad() throws Exception {
        Path big = tmp.resolve("big.bin");
        long at2g = (1L << 31) + 5; // unaligned on purpose
        long at4g = (1L << 32) + 4096;
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(at4g + 64); // sparse: only the written blocks take disk space
            f.seek(at2g);
            f.write(le(1.5f, -2.25f, 3e30f));
            f.seek(at4g);
            f.write(le(7f, 8f));
        }
        assertArrayEquals(new float[] {1.5f, -2.25f, 3e30f}, load(model(tmp, "big.bin", "" + at2g, "12", 1, 3)));
        assertArrayEquals(new float[] {7f, 8f}, load(model(tmp, "big.bin", "" + at4g, null, 1, 2)));
    }

    @Test
    void moreElementsThanAJavaArrayHoldsAreRefusedClearly() throws Exception {
        Path big = tmp.resolve("huge.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength((1L << 31) + 16);
        }
        // 2^31 uint8 elements: one more than a Java array can index.
        Path m = model(tmp, "huge.bin", "0", null, 2, 1L << 31);
        rejects(() -> load(m), "'w'", "Java array");
    }

    /**
     * A float tensor of more than 2^31 bytes (2^29 + 16 elements) loads: mapped with a 64-bit length and copied
     * into one float[] of 2 GiB. Needs about 2.2 GB of heap, so it runs only with -Dvinfer.bigTests=true.
     */
    @Test
    void aTensorOfMoreThanTwoGibibytesLoadsWhenAsked() throws Exception {
        assumeTrue(Boolean.getBoolean("vinfer.bigTests"), "set -Dvinfer.bigTests=true (needs ~2.2 GB heap)");
        int n = (1 << 29) + 16;
        Path big = tmp.resolve("two-gib.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(4L * n);
            f.seek(4L * (n - 1));
            f.write(le(42f));
        }
        try (Session s = Vinfer.open(model(tmp, "two-gib.bin", "0", null, 1, n))) {
            Tensor w = s.run(Map.of()).get("w");
            assertEquals(n, w.size());
            assertEquals(42f, w.getFloat(n - 1));
            assertEquals(0f, w.getFloat(n / 2));
        }
    }

    private static byte[] le(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }
}
