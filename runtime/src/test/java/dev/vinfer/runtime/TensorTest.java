package dev.vinfer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vinfer.runtime.io.Npy;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void accessorsConvertAndWrapByDtype() {
        Tensor u8 = Tensor.zeros(DType.UINT8, 2);
        u8.setLong(0, 255);
        u8.setLong(1, 256);
        assertEquals(255, u8.getLong(0));
        assertEquals(0, u8.getLong(1));
        Tensor u64 = Tensor.zeros(DType.UINT64, 1);
        u64.setDouble(0, 1.8446744073709552E19 / 2 * 1.5);
        assertEquals(1.8446744073709552E19 / 2 * 1.5, u64.getDouble(0), 1e4);
        Tensor i32 = Tensor.zeros(DType.INT32, 1);
        i32.setDouble(0, -2.7);
        assertEquals(-2, i32.getLong(0));
    }

    @Test
    void viewsShareStorageAndShapesAreChecked() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor v = t.reshape(3, 2);
        v.setFloat(5, 60);
        assertEquals(60, t.getFloat(5));
        assertThrows(VinferException.class, () -> t.reshape(4, 2));
        assertThrows(VinferException.class, () -> Tensor.of(new float[5], 2, 3));
        assertThrows(VinferException.class, () -> Tensor.zeros(DType.FLOAT32, 1 << 16, 1 << 16));
    }

    @Test
    void buffersAndSegmentsRoundTrip() {
        Tensor t = Tensor.of(FloatBuffer.wrap(new float[] {1, 2, 3, 4}), 2, 2);
        MemorySegment seg = t.asSegment();
        assertEquals(16, seg.byteSize());
        assertEquals(3f, seg.getAtIndex(ValueLayout.JAVA_FLOAT, 2));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment off = arena.allocate(16);
            MemorySegment.copy(seg, 0, off, 0, 16);
            Tensor back = Tensor.copyOf(off, DType.FLOAT32, 4);
            assertArrayEquals(new float[] {1, 2, 3, 4}, back.toFloatArray());
        }
        FloatBuffer out = FloatBuffer.allocate(4);
        t.copyTo(out);
        assertArrayEquals(new float[] {1, 2, 3, 4}, out.array());
    }

    @Test
    void npyRoundTrip() {
        for (DType d : DType.values()) {
            Tensor t = Tensor.zeros(d, 2, 3);
            for (int i = 0; i < 6; i++) {
                t.setLong(i, i % 2);
            }
            Tensor back = Npy.read(Npy.toBytes(t), "test");
            assertEquals(d, back.dtype());
            assertArrayEquals(t.shape(), back.shape());
            assertArrayEquals(t.toLongArray(), back.toLongArray(), d.toString());
        }
        Tensor scalar = Npy.read(Npy.toBytes(Tensor.scalar(2.5f)), "scalar");
        assertEquals(0, scalar.rank());
        assertEquals(2.5f, scalar.getFloat(0));
        assertThrows(VinferException.class, () -> Npy.read(new byte[] {1, 2, 3}, "junk"));
    }
}
