package dev.vinfer.conv.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The touching 1x1 tile against the plain one ({@code NchwcPointwiseTiles.run} on a single output group, where there
 * is no next group to touch): the same multiply-adds in the same order, so the same bits, whatever the touched
 * slice; residual (also the output itself, as input-channel chunks add their partial sums), bias and both clamp
 * bounds, even channel counts (the tile's contract) below, at and past a block. At 16 and 8 lanes (the
 * vector-256 run of this module's tests), where a group is two vectors.
 */
class NchwcPointwiseTouchTileTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261130L);

    @Test
    void sameBitsAsThePlainTile() {
        Random r = new Random(SEED);
        int lanes = MicroKernel.L;
        org.junit.jupiter.api.Assumptions.assumeTrue(lanes >= 8, "a group is two vectors at 8 and 16 lanes only");
        int width = 2 * lanes; // one group: two output vectors
        int pixels = 7;
        for (int c : new int[] {2, 16, 18, 30, 32, 34, 64, 100}) {
            for (int trial = 0; trial < 5; trial++) {
                String what = "seed " + SEED + " c=" + c + " trial " + trial;
                int blocks = Math.ceilDiv(c, 16);
                int plane = pixels * 16;
                int xOff = 3;
                float[] x = random(r, xOff + blocks * plane);
                int wOff = 5; // off a cache line, as in a JVM that does not align arrays (ArrayAlignment)
                float[] w = random(r, wOff + c * width + 4096);
                float[] bias = random(r, width);
                boolean withRes = trial % 2 == 0;
                float lo = trial == 1 ? -0.25f : Float.NEGATIVE_INFINITY;
                float hi = trial == 3 ? 0.5f : Float.POSITIVE_INFINITY;
                boolean clamp = lo > Float.NEGATIVE_INFINITY || hi < Float.POSITIVE_INFINITY;
                // the output of one group: two blocks of the plane at 16 lanes, one block's two halves at 8
                int outLen = (lanes == 16 ? 2 : 1) * plane;
                int d1 = lanes == 16 ? plane : lanes;
                float[] res = withRes ? random(r, outLen) : null;
                boolean inPlace = trial == 4;
                float[] partial = random(r, outLen);
                float[] plain = partial.clone();
                NchwcPointwiseTiles.run(c, pixels, width, NchwcPointwiseTiles.group(pixels), w, wOff, bias, x,
                        xOff, inPlace ? plain : res, 0, plain, 0, 0, pixels, 0, Math.ceilDiv(width, 16), lo, hi,
                        false);
                int ts = r.nextInt(17);
                int tp = r.nextInt(w.length - c * ts);
                float[] touched = partial.clone();
                NchwcPointwiseTouchTile.tile(c, w, wOff, width, x, xOff, plane, bias, 0, inPlace ? touched : res, 0,
                        touched, 0, d1, clamp, lo, hi, tp, ts);
                for (int i = 0; i < outLen; i++) {
                    assertEquals(Float.floatToRawIntBits(plain[i]), Float.floatToRawIntBits(touched[i]),
                            what + " at " + i + ": " + plain[i] + " vs " + touched[i]);
                }
            }
        }
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }
}
