package dev.vinfer.ops.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Split's parts: views of the input where nothing lies outside the split axis (a batch of one split on channels,
 * the input itself at an offset), copies otherwise; the values are the input's ranges either way.
 */
class SplitOpTest {

    private static Tensor iota(int offset, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[offset + n];
        for (int i = 0; i < n; i++) {
            a[offset + i] = i;
        }
        return Tensor.wrap(dev.vinfer.runtime.DType.FLOAT32, a, offset, shape);
    }

    private static float[] values(Tensor t) {
        float[] v = new float[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) t.getDouble(i);
        }
        return v;
    }

    @Test
    void batchOnePartsAreViewsAtTheirOffsets() {
        Tensor x = iota(5, 1, 6, 2, 3); // the input itself starts 5 floats into its array
        Tensor[] parts = new SplitOp(1, new long[] {2, 4}, 2).run(new TestContext(), new Tensor[] {x});
        assertSame(x.data(), parts[0].data());
        assertSame(x.data(), parts[1].data());
        assertEquals(5, parts[0].offset());
        assertEquals(5 + 12, parts[1].offset());
        assertArrayEquals(new int[] {1, 4, 2, 3}, parts[1].shape());
        float[] want = new float[24];
        for (int i = 0; i < 24; i++) {
            want[i] = 12 + i;
        }
        assertArrayEquals(want, values(parts[1]));
    }

    @Test
    void aLargerBatchCopiesEachRow() {
        Tensor x = iota(0, 2, 4, 3);
        Tensor[] parts = new SplitOp(1, null, 2).run(new TestContext(), new Tensor[] {x});
        assertNotSame(x.data(), parts[1].data());
        // image 0 channels 2-3 are 6..11, image 1's are 18..23
        assertArrayEquals(new float[] {6, 7, 8, 9, 10, 11, 18, 19, 20, 21, 22, 23}, values(parts[1]));
    }
}
