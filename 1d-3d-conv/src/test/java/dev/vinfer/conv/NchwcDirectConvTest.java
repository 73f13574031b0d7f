package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link NchwcDirectConv} against {@link ConvReference} through the blocked layout (as {@link NchwcConvTest}): the
 * input reordered to NCHWc, the kernel run into a NaN-filled output with a float of margin on each side, the output
 * reordered back and compared; the lanes past the last channel must be zero. Both backends, 1, 2 and 5 threads.
 */
class NchwcDirectConvTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261129L);
    private static final int[] CHANNELS = {1, 15, 16, 17, 33, 64};
    /** Kernel shapes {kH, kW}. */
    private static final int[][] KERNELS = {{1, 1}, {3, 3}, {5, 5}, {7, 7}, {1, 3}, {3, 1}};

    @Test
    void randomGeometriesMatchReference() {
        Random r = new Random(SEED);
        int done = 0;
        for (int trial = 0; done < 90 && trial < 1000; trial++) {
            int[] k = KERNELS[r.nextInt(KERNELS.length)];
            int sh = 1 + r.nextInt(3);
            int sw = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : sh;
            int dh = 1 + r.nextInt(2);
            int dw = r.nextInt(3) == 0 ? 1 + r.nextInt(2) : dh;
            int[] begin = {r.nextInt(k[0] + 1), r.nextInt(k[1] + 1)};
            int[] end = r.nextInt(2) == 0 ? begin.clone() : new int[] {r.nextInt(k[0] + 1), r.nextInt(k[1] + 1)};
            int h = 1 + r.nextInt(16);
            int wd = 1 + r.nextInt(24);
            if (h + begin[0] + end[0] < dh * (k[0] - 1) + 1 || wd + begin[1] + end[1] < dw * (k[1] - 1) + 1) {
                continue;
            }
            int c = CHANNELS[r.nextInt(CHANNELS.length)];
            int m = CHANNELS[r.nextInt(CHANNELS.length)];
            int batch = 1 + done % 2;
            ConvGeometry g = ConvGeometry.builder().batch(batch).channels(c, m).input(h, wd).kernel(k)
                    .strides(sh, sw).dilations(dh, dw).pads(begin, end).build();
            Epilogue e = NchwcConvTest.ALL_EPILOGUES[done % NchwcConvTest.ALL_EPILOGUES.length];
            for (Backend be : TestSupport.backends()) {
                check(r, "trial " + trial, be, g, e, done % 3 == 0, done % 4 != 1,
                        TestSupport.PARALLELS[done % TestSupport.PARALLELS.length]);
            }
            done++;
        }
        assertEquals(90, done, "seed " + SEED + ": too few valid random geometries");
    }

    /** Output widths 1 to 16 (below, at, between and above the 7-pixel tile) for 3x3 stride 1 and 2, pad 1. */
    @Test
    void everyOutputWidth() {
        Random r = new Random(SEED + 1);
        for (int ow = 1; ow <= 16; ow++) {
            for (int s = 1; s <= 2; s++) {
                int wd = (ow - 1) * s + 1;
                int h = 3 + ow % 4;
                ConvGeometry g = ConvGeometry.builder().channels(CHANNELS[ow % CHANNELS.length], 33 + 16 * (ow % 2))
                        .input(h, wd).kernel(3, 3).strides(s, s).pads(new int[] {1, 1}, new int[] {1, 1}).build();
                assertEquals(ow, g.outputDim(1));
                for (Backend be : TestSupport.backends()) {
                    check(r, "width " + ow, be, g, NchwcConvTest.ALL_EPILOGUES[ow % 5], ow % 2 == 0, true,
                            TestSupport.PARALLELS[(ow + s) % TestSupport.PARALLELS.length]);
                }
            }
        }
    }

    /** Planes smaller than the kernel's footprint, reached only through the padding, and unpadded layers. */
    @Test
    void smallPlanesAndNoPadding() {
        Random r = new Random(SEED + 2);
        ConvGeometry[] gs = {
            ConvGeometry.builder().channels(17, 16).input(1, 1).kernel(3, 3).pads(new int[] {1, 1}, new int[] {1, 1})
                    .build(),
            ConvGeometry.builder().channels(33, 40).input(2, 3).kernel(5, 5).pads(new int[] {2, 2}, new int[] {2, 2})
                    .build(),
            ConvGeometry.builder().channels(16, 15).input(2, 2).kernel(7, 7).strides(2, 2)
                    .pads(new int[] {3, 3}, new int[] {3, 3}).build(),
            ConvGeometry.builder().channels(5, 33).input(3, 2).kernel(3, 3).dilations(2, 2)
                    .pads(new int[] {2, 0}, new int[] {0, 3}).build(),
            ConvGeometry.builder().batch(2).channels(24, 48).input(9, 17).kernel(3, 3).build(),
            ConvGeometry.builder().channels(3, 64).input(23, 21).kernel(7, 7).strides(2, 2)
                    .pads(new int[] {3, 3}, new int[] {3, 3}).build(),
            ConvGeometry.builder().channels(16, 32).input(12, 12).kernel(2, 2).strides(2, 2).build(),
        };
        for (int i = 0; i < gs.length; i++) {
            for (Backend be : TestSupport.backends()) {
                for (Parallel p : TestSupport.PARALLELS) {
                    check(r, "plane " + i, be, gs[i], NchwcConvTest.ALL_EPILOGUES[i % 9], i % 2 == 0, i != 3, p);
                }
            }
        }
    }

    /** ResNet's 3x3/2 and 3x3/1 layers at small planes: many output groups, threads split rows or groups. */
    @Test
    void resnetShapes() {
        Random r = new Random(SEED + 3);
        int[][] cases = {{64, 128, 28, 2}, {128, 128, 14, 2}, {96, 64, 14, 1}, {64, 256, 13, 1}};
        for (int i = 0; i < cases.length; i++) {
            int[] q = cases[i];
            ConvGeometry g = ConvGeometry.builder().batch(1 + i % 2).channels(q[0], q[1]).input(q[2], q[2])
                    .kernel(3, 3).strides(q[3], q[3]).pads(new int[] {1, 1}, new int[] {1, 1}).build();
            for (Backend be : TestSupport.backends()) {
                for (Parallel p : TestSupport.PARALLELS) {
                    check(r, "resnet " + i, be, g, i % 2 == 0 ? Epilogue.RELU : Epilogue.clip(0.1f, 0.6f), i < 2,
                            true, p);
                }
            }
        }
    }

    /** An infinite input value: its products with the zero weights of pad lanes are NaN, which must not show. */
    @Test
    void padLanesStayZeroWithInfiniteInput() {
        Random r = new Random(SEED + 4);
        ConvGeometry g = ConvGeometry.builder().channels(20, 24).input(6, 9).kernel(3, 3)
                .pads(new int[] {1, 0}, new int[] {0, 1}).build();
        float[] x = TestSupport.random(r, g.inputLength());
        x[3 * 54 + 13] = Float.POSITIVE_INFINITY;
        float[] w = TestSupport.random(r, g.weightLength());
        int plane = g.outputPlane();
        for (Backend be : TestSupport.backends()) {
            NchwcDirectConv k = NchwcDirectConv.prepare(g, w, 0, null, Epilogue.clip(0.5f, 1f), be);
            float[] yb = new float[(int) k.outputLength()];
            Arrays.fill(yb, Float.NaN);
            k.run(NchwcConvTest.blocked(1, 20, g.inputPlane(), x), 0, yb, 0, null, 0, Parallel.SERIAL);
            for (int i = 0; i < plane; i++) {
                for (int l = 24 % 16; l < 16; l++) {
                    assertEquals(0f, yb[(plane + i) * 16 + l], be.name() + ": pad lane " + l + " at " + i);
                }
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        ConvGeometry grouped = ConvGeometry.builder().channels(16, 16).group(2).input(5, 5).kernel(3, 3).build();
        assertThrows(IllegalArgumentException.class,
                () -> NchwcDirectConv.prepare(grouped, new float[grouped.weightLength()], 0, null, Epilogue.NONE));
        ConvGeometry g = ConvGeometry.builder().channels(16, 16).input(5, 5).kernel(3, 3).build();
        assertThrows(IllegalArgumentException.class,
                () -> NchwcDirectConv.prepare(g, new float[g.weightLength() - 1], 0, null, Epilogue.NONE));
        NchwcDirectConv k = NchwcDirectConv.prepare(g, new float[g.weightLength()], 0, null, Epilogue.NONE);
        assertThrows(IllegalArgumentException.class, () -> k.run(new float[(int) k.inputLength() - 1], 0,
                new float[(int) k.outputLength()], 0, null, 0, Parallel.SERIAL));
        assertThrows(IllegalArgumentException.class, () -> k.run(new float[(int) k.inputLength()], 0,
                new float[(int) k.outputLength()], 1, null, 0, Parallel.SERIAL));
        assertThrows(IllegalArgumentException.class, () -> k.run(new float[(int) k.inputLength()], 0,
                new float[(int) k.outputLength()], 0, new float[3], 0, Parallel.SERIAL));
    }

    private static void check(Random r, String label, Backend be, ConvGeometry g, Epilogue e, boolean residual,
            boolean withBias, Parallel p) {
        String what = "seed " + SEED + " " + label + " " + be.name() + " " + p + " " + g + " " + e;
        int k = g.inChannels() * g.kernelSize() + 2;
        BlockedKernelCheck.check(r, what, g, e, residual, withBias, p,
                (l, convolution, expected, yb) -> NchwcConvTest.compare(l, g.batch(), g.outChannels(),
                        g.outputPlane(), k, expected, yb, 1),
                (w, bias) -> NchwcDirectConv.prepare(g, w, 3, bias, e, be));
    }
}
