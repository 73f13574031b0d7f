package dev.vinfer.ops.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Transpose against the definition on seeded random shapes and permutations of rank 1 to 6 (axes of size 1, inner
 * axes left in place, which the strided copy walks as one, and a channel shuffle's [N, 2, C, H, W] -> [N, C, 2, H,
 * W]), on an input that is a view at an offset.
 */
class TransposeOpTest {
    @Test
    void randomPermutationsMatchTheDefinition() {
        long seed = 515L;
        Random r = new Random(seed);
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + r.nextInt(6);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = r.nextInt(5) == 0 ? 1 : 1 + r.nextInt(5);
            }
            int[] perm = permutation(r, rank);
            check(shape, perm, r, "seed " + seed + " trial " + trial);
        }
        check(new int[] {1, 2, 58, 28, 28}, new int[] {0, 2, 1, 3, 4}, r, "channel shuffle");
        check(new int[] {3, 1, 4, 1, 5}, new int[] {1, 0, 3, 2, 4}, r, "size-1 axes swapped");
    }

    private static void check(int[] shape, int[] perm, Random r, String what) {
        int n = Shapes.size(shape);
        int offset = r.nextInt(4);
        float[] backing = new float[offset + n];
        for (int i = 0; i < backing.length; i++) {
            backing[i] = r.nextFloat();
        }
        Tensor x = Tensor.wrap(dev.vinfer.runtime.DType.FLOAT32, backing, offset, shape);
        Tensor y = new TransposeOp(perm).run(new TestContext(), new Tensor[] {x})[0];
        int rank = shape.length;
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = shape[perm[i]];
        }
        String w = what + " shape " + Arrays.toString(shape) + " perm " + Arrays.toString(perm);
        assertArrayEquals(out, y.shape(), w);
        int[] inStrides = Shapes.strides(shape);
        int[] idx = new int[rank];
        for (int o = 0; o < n; o++) {
            int rest = o;
            for (int a = rank - 1; a >= 0; a--) {
                idx[a] = rest % out[a];
                rest /= out[a];
            }
            int src = 0;
            for (int a = 0; a < rank; a++) {
                src += idx[a] * inStrides[perm[a]];
            }
            assertEquals(backing[offset + src], y.getFloat(o), w + " element " + o);
        }
    }

    private static int[] permutation(Random r, int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = i;
        }
        // often keep the inner axes in place, the case the copy merges
        int keep = r.nextInt(rank + 1);
        for (int i = rank - keep - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
