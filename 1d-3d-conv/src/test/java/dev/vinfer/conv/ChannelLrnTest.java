package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Backend#lrn} on every backend against LRN in double ({@code x / (bias + scale * sum x^2)^beta}), within a
 * declared bound: the window's squares summed in float (at most {@code size} roundings of the sum), the base (one
 * rounding), the power (within an ulp of the vector library or of the double power rounded once), the product (one
 * rounding): relative error at most {@code (beta (size + 1) + 3) 2^-23} of the result, twice the first-order
 * estimate. Windows clipped at both edges, even and odd sizes, channel ranges, positions around the vector width
 * (tails), offsets into the arrays, and the written range alone (the rest untouched).
 */
class ChannelLrnTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261203L);

    @Test
    void matchesLrnInDoubleWithinTheDeclaredBound() {
        int[][] cases = {{96, 55 * 55, 5}, {7, 1, 3}, {5, 17, 4}, {3, 33, 7}, {12, 16, 1}, {20, 31, 5}};
        for (Backend be : TestSupport.backends()) {
            for (int[] q : cases) {
                long seed = SEED + q[0] * 1000L + q[1] * 10L + q[2];
                Random r = new Random(seed);
                int channels = q[0];
                int inner = q[1];
                int size = q[2];
                int before = (size - 1) / 2;
                int after = size - 1 - before;
                float scale = (float) (1e-4 / size * (1 + r.nextInt(1000)));
                float bias = r.nextBoolean() ? 2f : 1f;
                float beta = r.nextBoolean() ? 0.75f : 0.5f + r.nextFloat();
                int xOff = r.nextInt(5);
                int yOff = r.nextInt(5);
                float[] x = TestSupport.random(r, xOff + channels * inner + 3);
                for (int i = 0; i < x.length; i++) {
                    x[i] *= 10; // squares of order 1-100, as after AlexNet's first convolutions
                }
                float[] y = TestSupport.random(r, yOff + channels * inner + 3);
                float[] before0 = y.clone();
                int c0 = channels > 2 ? 1 : 0;
                int c1 = channels;
                be.lrn(x, xOff, y, yOff, channels, inner, c0, c1, before, after, scale, bias, beta);
                double bound = (beta * (size + 1) + 3) * Math.ulp(1f);
                for (int c = 0; c < channels; c++) {
                    for (int i = 0; i < inner; i++) {
                        int at = yOff + c * inner + i;
                        String what = "seed " + seed + " " + be.name() + " channels=" + channels + " inner=" + inner
                                + " size=" + size + " c=" + c + " i=" + i;
                        if (c < c0) {
                            assertEquals(before0[at], y[at], what + ": outside the range, untouched");
                            continue;
                        }
                        double sq = 0;
                        for (int k = Math.max(0, c - before); k <= Math.min(channels - 1, c + after); k++) {
                            double v = x[xOff + k * inner + i];
                            sq += v * v;
                        }
                        double want = x[xOff + c * inner + i] / Math.pow(bias + (double) scale * sq, beta);
                        assertTrue(Math.abs(y[at] - want) <= bound * Math.abs(want),
                                what + ": " + y[at] + " against " + want);
                    }
                }
                assertEquals(before0[before0.length - 1], y[y.length - 1], "past the output");
            }
        }
    }

    @Test
    void badArgumentsAreRefused() {
        float[] x = new float[32];
        for (Backend be : TestSupport.backends()) {
            assertThrows(IllegalArgumentException.class,
                    () -> be.lrn(x, 0, new float[32], 0, 4, 9, 0, 4, 2, 2, 1f, 1f, 0.75f), be.name() + ": past the end");
            assertThrows(IllegalArgumentException.class,
                    () -> be.lrn(x, 0, x, 0, 4, 8, 0, 4, 2, 2, 1f, 1f, 0.75f), be.name() + ": in place");
            assertThrows(IllegalArgumentException.class,
                    () -> be.lrn(x, 0, new float[32], 0, 4, 8, 3, 5, 2, 2, 1f, 1f, 0.75f), be.name() + ": range");
        }
    }
}
