package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SliceConv3d}, scalar and Vector API kernels, against the double-precision {@link ConvReference} on random
 * seeded geometries: volumes are streamed slice by slice (slices outside the volume passed as null) and compared
 * with the whole-volume "same"-padded convolution. Widths cover full 4-vector blocks, single vectors and masked
 * tails; channel counts cover 4-blocks and single-channel remainders.
 */
class SliceConv3dTest {

    @Test
    void randomGeometriesMatchTheReference() {
        // A fixed default keeps CI repeatable; -Dvinfer.test.seed=N explores other draws.
        long seed = Long.getLong("vinfer.test.seed", 20261129L);
        Random rnd = new Random(seed);
        for (int iter = 0; iter < 40; iter++) {
            int inC = 1 + rnd.nextInt(6);
            int outC = 1 + rnd.nextInt(9);
            int[] k = {1 + 2 * rnd.nextInt(2), 1 + 2 * rnd.nextInt(2), 1 + 2 * rnd.nextInt(3)};
            int[] d = {1 + rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(4)};
            int depth = 1 + rnd.nextInt(7);
            int height = 1 + rnd.nextInt(9);
            int width = 1 + rnd.nextInt(90);
            boolean relu = rnd.nextBoolean();
            String what = "seed " + seed + " case " + iter + ": " + inC + "->" + outC + " k" + java.util.Arrays
                    .toString(k) + " d" + java.util.Arrays.toString(d) + " " + depth + "x" + height + "x" + width;
            check(rnd, inC, outC, k, d, depth, height, width, relu, what);
        }
    }

    @Test
    void meshNetLayerShape() {
        // The brain-segmentation net: 5 -> 5 channels, 3x3x3, dilation 8, wide rows.
        check(new Random(7), 5, 5, new int[] {3, 3, 3}, new int[] {8, 8, 8}, 20, 18, 70, true, "meshnet-like");
    }

    private static void check(Random rnd, int inC, int outC, int[] k, int[] d, int depth, int height, int width,
            boolean relu, String what) {
        int taps = k[0] * k[1] * k[2];
        float[] w = TestSupport.random(rnd, outC * inC * taps);
        float[] bias = TestSupport.random(rnd, outC);
        float[] x = TestSupport.random(rnd, inC * depth * height * width);
        int[] pads = {k[0] / 2 * d[0], k[1] / 2 * d[1], k[2] / 2 * d[2]};
        ConvGeometry g = ConvGeometry.of(1, inC, outC, 1, new int[] {depth, height, width}, k, null, d, pads, pads);
        float[] want = new float[g.outputLength()];
        ConvReference.conv(g, x, 0, w, 0, bias, relu ? Epilogue.RELU : Epilogue.NONE, want, 0);

        int pad = Math.max(pads[1], pads[2]) + 1;
        PlaneLayout il = new PlaneLayout(inC, height, width, pad);
        PlaneLayout ol = new PlaneLayout(outC, height, width, pad);
        // Input slices from the channel-major volume [c][z][y][x].
        float[][] slices = new float[depth][];
        for (int z = 0; z < depth; z++) {
            slices[z] = il.newSlice();
            for (int c = 0; c < inC; c++) {
                for (int y = 0; y < height; y++) {
                    System.arraycopy(x, ((c * depth + z) * height + y) * width, slices[z], il.index(c, y, 0), width);
                }
            }
        }
        for (boolean vector : new boolean[] {false, true}) {
            SliceConv3d conv = SliceConv3d.prepare(inC, outC, k, d, w, 0, bias, relu, vector);
            for (Parallel p : TestSupport.PARALLELS) {
                float[] got = new float[want.length];
                float[] outSlice = ol.newSlice();
                for (int z = 0; z < depth; z++) {
                    float[][] in = new float[k[0]][];
                    int[] off = new int[k[0]];
                    for (int t = 0; t < k[0]; t++) {
                        int zz = z + (t - k[0] / 2) * d[0];
                        in[t] = zz >= 0 && zz < depth ? slices[zz] : null;
                    }
                    conv.compute(in, off, il, outSlice, 0, ol, p);
                    for (int c = 0; c < outC; c++) {
                        for (int y = 0; y < height; y++) {
                            System.arraycopy(outSlice, ol.index(c, y, 0), got, ((c * depth + z) * height + y) * width,
                                    width);
                        }
                    }
                    assertBorderZero(what, ol, outSlice);
                }
                TestSupport.assertClose(what + " " + conv + " " + p, inC * taps, want, 0, got, 0, want.length);
            }
        }
    }

    /** The kernels must never write the zero border the next layer relies on. */
    private static void assertBorderZero(String what, PlaneLayout l, float[] slice) {
        boolean[] interior = new boolean[slice.length];
        for (int c = 0; c < l.channels(); c++) {
            for (int y = 0; y < l.height(); y++) {
                for (int x = 0; x < l.width(); x++) {
                    interior[l.index(c, y, x)] = true;
                }
            }
        }
        for (int i = 0; i < slice.length; i++) {
            if (!interior[i]) {
                assertEquals(0f, slice[i], what + ": border element " + i + " was written");
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        float[] w = new float[27];
        assertThrows(IllegalArgumentException.class, () -> SliceConv3d.prepare(1, 1, new int[] {2, 3, 3},
                new int[] {1, 1, 1}, w, 0, null, false, true));
        assertThrows(IllegalArgumentException.class, () -> SliceConv3d.prepare(1, 2, new int[] {3, 3, 3},
                new int[] {1, 1, 1}, w, 0, null, false, true));
        SliceConv3d c = SliceConv3d.prepare(1, 1, new int[] {3, 3, 3}, new int[] {1, 2, 1}, w, 0, null, false, true);
        PlaneLayout narrow = new PlaneLayout(1, 4, 4, 1);
        assertThrows(IllegalArgumentException.class, () -> c.compute(new float[3][], new int[3], narrow,
                narrow.newSlice(), 0, narrow, Parallel.SERIAL));
    }
}
