package dev.vinfer.ops.nn.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.PoolReduction;
import dev.vinfer.conv.Parallel;
import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * AveragePool's path for whole windows on small planes ({@code AveragePoolOp.SMALL_PLANE}) gives the separable
 * pool's bits: the same sums in the same order (columns top-down, then left to right), then the same division. Seeded
 * windows 1x1 to 3x3, strides 1 to 3, planes up to 16x16 (LeNet-5's 28x28 -> 14x14 and 10x10 -> 5x5 among them),
 * batches of 1 and 2, and a plane just past the limit (which takes the separable pool itself).
 */
class AveragePoolSmallPlanesTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261203L);

    @Test
    void smallPlanesEqualTheSeparablePoolBitForBit() {
        Random r = new Random(SEED);
        int[][] fixed = {{1, 6, 28, 28, 2, 2}, {1, 16, 10, 10, 2, 2}, {2, 3, 17, 16, 3, 2}, {1, 2, 33, 33, 2, 2}};
        for (int trial = 0; trial < 60; trial++) {
            int[] q = trial < fixed.length ? fixed[trial] : new int[] {1 + r.nextInt(2), 1 + r.nextInt(5),
                3 + r.nextInt(14), 3 + r.nextInt(14), 1 + r.nextInt(3), 1 + r.nextInt(3)};
            int k = Math.min(q[4], Math.min(q[2], q[3]));
            int s = q[5];
            PoolWindow window = new PoolWindow(new int[] {k, k}, new int[] {s, s}, new int[] {1, 1},
                    new int[4], PaddingPolicy.EXPLICIT, false);
            int[] shape = {q[0], q[1], q[2], q[3]};
            float[] data = new float[q[0] * q[1] * q[2] * q[3]];
            for (int i = 0; i < data.length; i++) {
                data[i] = r.nextFloat() * 4 - 2;
            }
            String what = "seed " + SEED + " trial " + trial + " " + java.util.Arrays.toString(q) + " window " + k
                    + "/" + s;
            Tensor got = new AveragePoolOp(window, false).run(new TestContext(), new Tensor[] {Tensor.of(data,
                    shape)})[0];
            PoolGeometry g = PoolGeometry.of(window, shape);
            float[] want = new float[g.planes() * g.outputPlaneSize()];
            new SeparablePool(g, Kernels.backend()).run(PoolReduction.SUM, data, 0, want, 0, Parallel.SERIAL, null);
            float count = k * k;
            for (int i = 0; i < want.length; i++) {
                want[i] /= count;
            }
            assertEquals(want.length, got.size(), what);
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got.getFloat(i)), what + " output "
                        + i + ": " + want[i] + " against " + got.getFloat(i));
            }
            if (trial == 0) {
                assertTrue(g.outputPlaneSize() <= AveragePoolOp.SMALL_PLANE, "LeNet's pool takes the small path");
            }
        }
    }
}
