package dev.vinfer.ops.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.Kernels;
import dev.vinfer.ops.nn.norm.BatchNormalizationOp;
import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The blocked BatchNormalization (+ Relu) against the NCHW op on the same values, seeded: channel counts below, at
 * and past a block (pad lanes written 0), batch 1 and 2, both backends. The bound is declared from how the two
 * compute: the NCHW op rounds {@code x a + b} from double, the blocked one takes {@code a} and {@code b} rounded to
 * float and one fused multiply-add, so they differ by at most {@code 2^-23 (|x a| + |b|)} (a's and b's roundings
 * and the final one, with room).
 */
class NchwcBatchNormOpTest {
    @Test
    void matchesTheNchwOpWithinTwoRoundings() {
        int[][] shapes = {{1, 5, 3, 4}, {1, 16, 7, 7}, {2, 21, 2, 9}, {1, 40, 5, 1}};
        for (int t = 0; t < shapes.length; t++) {
            for (boolean relu : new boolean[] {false, true}) {
                for (Backend be : new Backend[] {Kernels.scalar(), Kernels.backend()}) {
                    long seed = 880 + 10 * t + (relu ? 1 : 0);
                    check(shapes[t], relu, be, seed);
                }
            }
        }
    }

    private static void check(int[] s, boolean relu, Backend be, long seed) {
        Random r = new Random(seed);
        int n = s[0];
        int c = s[1];
        int hw = s[2] * s[3];
        int cb = (c + 15) / 16;
        float[] x = new float[n * c * hw];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3 * r.nextGaussian());
        }
        Tensor[] params = {vector(r, c, 0.5, 1.5), vector(r, c, -0.5, 0.5), vector(r, c, -1, 1), vector(r, c, 0.1, 3)};
        BatchNormalizationOp nchw = BatchNormalizationOp.inference(1e-5);
        if (relu) {
            nchw = nchw.withRelu();
        }
        Tensor want = nchw.run(new TestContext(), new Tensor[] {Tensor.of(x, s), params[0], params[1], params[2],
            params[3]})[0];
        double[][] ab = nchw.affine(params[0], params[1], params[2], params[3]);
        NchwcBatchNormOp op = new NchwcBatchNormOp(ab[0], ab[1], relu);
        float[] blocked = new float[n * cb * hw * 16];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    blocked[((i * cb + ch / 16) * hw + p) * 16 + ch % 16] = x[(i * c + ch) * hw + p];
                }
            }
        }
        float[] out = new float[blocked.length + 3];
        java.util.Arrays.fill(out, Float.NaN); // every lane must be written, pad lanes included
        op.run(blocked, 0, out, 3, n * cb, hw, new TestContext().parallel(), be);
        String what = be.name() + " shape " + java.util.Arrays.toString(s) + " relu " + relu + " seed " + seed;
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < cb * 16; ch++) {
                for (int p = 0; p < hw; p++) {
                    float got = out[3 + ((i * cb + ch / 16) * hw + p) * 16 + ch % 16];
                    if (ch >= c) {
                        assertEquals(0f, got, what + " pad lane " + ch);
                        continue;
                    }
                    float xv = x[(i * c + ch) * hw + p];
                    float ref = want.getFloat((i * c + ch) * hw + p);
                    double bound = Math.scalb(Math.abs(xv * ab[0][ch]) + Math.abs(ab[1][ch]), -23);
                    assertTrue(Math.abs(got - ref) <= bound, what + " at " + i + "," + ch + "," + p + ": " + got
                            + " vs " + ref);
                }
            }
        }
    }

    @Test
    void aTensorOfAnotherLayoutIsAClearError() {
        NchwcBatchNormOp op = new NchwcBatchNormOp(new double[20], new double[20], true);
        Tensor plain = Tensor.of(new float[20 * 4], 1, 20, 2, 2);
        VinferException e = assertThrows(VinferException.class,
                () -> op.run(new TestContext(), new Tensor[] {plain}));
        assertTrue(e.getMessage().contains("blocked"), e.getMessage());
    }

    private static Tensor vector(Random r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return Tensor.of(a, n);
    }
}
