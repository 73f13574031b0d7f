package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link NchwcStemConv} against {@link ConvReference}: the plain NCHW input (at an offset, NaN around it) in, the
 * blocked output (NaN-filled, a float of margin each side) reordered back and compared; lanes past the last channel
 * must be zero. Both backends, 1, 2 and 5 threads. Tolerance: {@link NchwcConvTest#compare}'s, scaled by the
 * reduction length (channels x taps).
 */
class NchwcStemConvTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261130L);
    /** Output channels: below, at and above one and two vectors of 16, and not a multiple of 16. */
    private static final int[] OUTPUTS = {1, 15, 16, 24, 32, 33, 48, 64};

    @Test
    void randomGeometriesMatchReference() {
        Random r = new Random(SEED);
        int done = 0;
        for (int trial = 0; done < 60 && trial < 1000; trial++) {
            int k = 1 + r.nextInt(7);
            int kw = r.nextInt(4) == 0 ? 1 + r.nextInt(7) : k;
            int sh = 1 + r.nextInt(3);
            int sw = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : sh;
            int d = r.nextInt(5) == 0 ? 2 : 1;
            int[] begin = {r.nextInt(k), r.nextInt(kw)};
            int[] end = r.nextInt(2) == 0 ? begin.clone() : new int[] {r.nextInt(k), r.nextInt(kw)};
            int h = 1 + r.nextInt(20);
            int wd = 1 + r.nextInt(30);
            if (h + begin[0] + end[0] < d * (k - 1) + 1 || wd + begin[1] + end[1] < d * (kw - 1) + 1) {
                continue;
            }
            int c = 1 + r.nextInt(4);
            int m = OUTPUTS[r.nextInt(OUTPUTS.length)];
            ConvGeometry g = ConvGeometry.builder().batch(1 + done % 2).channels(c, m).input(h, wd).kernel(k, kw)
                    .strides(sh, sw).dilations(d, d).pads(begin, end).build();
            Epilogue e = NchwcConvTest.ALL_EPILOGUES[done % NchwcConvTest.ALL_EPILOGUES.length];
            for (Backend be : TestSupport.backends()) {
                check(r, "trial " + trial, be, g, e, done % 5 == 0, done % 4 != 1,
                        TestSupport.PARALLELS[done % TestSupport.PARALLELS.length]);
            }
            done++;
        }
        assertEquals(60, done, "seed " + SEED + ": too few valid random geometries");
    }

    /** Output widths 1 to 16 (below, at, between and above the 7-pixel tile) at stride 2. */
    @Test
    void everyOutputWidth() {
        Random r = new Random(SEED + 1);
        for (int ow = 1; ow <= 16; ow++) {
            ConvGeometry g = ConvGeometry.builder().channels(3, OUTPUTS[ow % OUTPUTS.length]).input(5, 2 * ow)
                    .kernel(3, 3).strides(2, 2).pads(new int[] {1, 1}, new int[] {1, 1}).build();
            assertEquals(ow, g.outputDim(1));
            for (Backend be : TestSupport.backends()) {
                check(r, "width " + ow, be, g, NchwcConvTest.ALL_EPILOGUES[ow % 5], false, true,
                        TestSupport.PARALLELS[ow % TestSupport.PARALLELS.length]);
            }
        }
    }

    /** The networks' stems (ResNet 7x7/2, SqueezeNet 3x3/2 unpadded, MobileNetV2 3x3/2 Relu6), smaller planes. */
    @Test
    void networkStems() {
        Random r = new Random(SEED + 2);
        ConvGeometry[] gs = {
            ConvGeometry.builder().channels(3, 64).input(45, 38).kernel(7, 7).strides(2, 2)
                    .pads(new int[] {3, 3}, new int[] {3, 3}).build(),
            ConvGeometry.builder().channels(3, 64).input(41, 47).kernel(3, 3).strides(2, 2).build(),
            ConvGeometry.builder().batch(2).channels(3, 32).input(32, 30).kernel(3, 3).strides(2, 2)
                    .pads(new int[] {1, 1}, new int[] {1, 1}).build(),
        };
        Epilogue[] es = {Epilogue.RELU, Epilogue.RELU, Epilogue.clip(0f, 6f)};
        for (int i = 0; i < gs.length; i++) {
            for (Backend be : TestSupport.backends()) {
                for (Parallel p : TestSupport.PARALLELS) {
                    check(r, "stem " + i, be, gs[i], es[i], false, true, p);
                }
            }
        }
    }

    /** 1-D and 3-D convolutions (the layout is rank-generic: output rows are depth x height). */
    @Test
    void otherRanks() {
        Random r = new Random(SEED + 3);
        ConvGeometry[] gs = {
            ConvGeometry.builder().channels(1, 40).input(new int[] {100}).kernel(new int[] {9}).strides(new int[] {4})
                    .pads(new int[] {4}, new int[] {4}).build(),
            ConvGeometry.builder().channels(3, 16).input(new int[] {5, 12, 13}).kernel(new int[] {3, 3, 3})
                    .strides(new int[] {1, 2, 2}).pads(new int[] {1, 1, 1}, new int[] {1, 1, 1}).build(),
        };
        for (int i = 0; i < gs.length; i++) {
            for (Backend be : TestSupport.backends()) {
                check(r, "rank " + gs[i].rank(), be, gs[i], Epilogue.RELU, i == 1, true, TestSupport.POOL);
            }
        }
    }

    /**
     * 3-D stems large enough to be split over threads (each task copies the input rows its output rows read): tasks
     * spanning several output planes (whole input planes), and tasks inside one output plane reading three input
     * planes.
     */
    @Test
    void threeDimensionalTasksCopyTheRowsTheyRead() {
        Random r = new Random(SEED + 6);
        ConvGeometry[] gs = {
            ConvGeometry.builder().channels(3, 16).input(new int[] {8, 40, 40}).kernel(new int[] {3, 3, 3})
                    .strides(new int[] {1, 2, 2}).pads(new int[] {1, 1, 1}, new int[] {1, 1, 1}).build(),
            ConvGeometry.builder().channels(2, 16).input(new int[] {2, 80, 40}).kernel(new int[] {3, 3, 3})
                    .strides(new int[] {1, 2, 2}).pads(new int[] {1, 1, 1}, new int[] {1, 1, 1}).build(),
        };
        for (ConvGeometry g : gs) {
            for (Parallel p : TestSupport.PARALLELS) {
                check(r, "3-D split", TestSupport.backends().get(TestSupport.backends().size() - 1), g,
                        Epilogue.RELU, false, true, p);
            }
        }
    }

    /** A clamp whose low bound is above zero, and an infinite input: pad lanes must still be zero. */
    @Test
    void padLanesStayZero() {
        Random r = new Random(SEED + 4);
        ConvGeometry g = ConvGeometry.builder().channels(3, 24).input(9, 11).kernel(3, 3).strides(2, 2)
                .pads(new int[] {1, 1}, new int[] {1, 1}).build();
        float[] x = TestSupport.random(r, g.inputLength());
        x[50] = Float.POSITIVE_INFINITY;
        float[] w = TestSupport.random(r, g.weightLength());
        int plane = g.outputPlane();
        for (Backend be : TestSupport.backends()) {
            NchwcStemConv k = NchwcStemConv.prepare(g, w, 0, null, Epilogue.clip(0.5f, 1f), be);
            float[] yb = new float[(int) k.outputLength()];
            Arrays.fill(yb, Float.NaN);
            k.run(x, 0, yb, 0, null, 0, Parallel.SERIAL);
            for (int i = 0; i < plane; i++) {
                for (int l = 8; l < 16; l++) {
                    assertEquals(0f, yb[(plane + i) * 16 + l], be.name() + ": pad lane " + l + " at " + i);
                }
            }
        }
    }

    /** Two kernels of different geometries alternating on one thread: each finds the other's padding in the buffer. */
    @Test
    void kernelsSharingTheBufferKeepTheirPadding() {
        Random r = new Random(SEED + 5);
        ConvGeometry a = ConvGeometry.builder().channels(3, 16).input(20, 20).kernel(3, 3).strides(2, 2)
                .pads(new int[] {1, 1}, new int[] {1, 1}).build();
        ConvGeometry b = ConvGeometry.builder().channels(2, 16).input(9, 31).kernel(5, 5).strides(2, 2)
                .pads(new int[] {2, 2}, new int[] {2, 2}).build();
        for (int rep = 0; rep < 3; rep++) {
            check(r, "shared a" + rep, Kernels.backend(), a, Epilogue.NONE, false, true, Parallel.SERIAL);
            check(r, "shared b" + rep, Kernels.backend(), b, Epilogue.NONE, false, true, Parallel.SERIAL);
        }
    }

    @Test
    void rejectsBadArguments() {
        ConvGeometry grouped = ConvGeometry.builder().channels(4, 16).group(2).input(5, 5).kernel(3, 3).build();
        assertThrows(IllegalArgumentException.class,
                () -> NchwcStemConv.prepare(grouped, new float[grouped.weightLength()], 0, null, Epilogue.NONE));
        ConvGeometry g = ConvGeometry.builder().channels(3, 16).input(5, 5).kernel(3, 3).build();
        assertThrows(IllegalArgumentException.class,
                () -> NchwcStemConv.prepare(g, new float[g.weightLength() - 1], 0, null, Epilogue.NONE));
        NchwcStemConv k = NchwcStemConv.prepare(g, new float[g.weightLength()], 0, null, Epilogue.NONE);
        assertThrows(IllegalArgumentException.class, () -> k.run(new float[(int) k.inputLength() - 1], 0,
                new float[(int) k.outputLength()], 0, null, 0, Parallel.SERIAL));
        assertThrows(IllegalArgumentException.class, () -> k.run(new float[(int) k.inputLength()], 0,
                new float[(int) k.outputLength()], 1, null, 0, Parallel.SERIAL));
        assertThrows(IllegalArgumentException.class, () -> k.run(new float[(int) k.inputLength()], 0,
                new float[(int) k.outputLength()], 0, new float[3], 0, Parallel.SERIAL));
    }

    private static void check(Random r, String label, Backend be, ConvGeometry g, Epilogue e, boolean residual,
            boolean withBias, Parallel p) {
        int batch = g.batch();
        int m = g.outChannels();
        float[] bias = withBias ? TestSupport.random(r, m) : null;
        String what = "seed " + SEED + " " + label + " " + be.name() + " " + p + " " + g + " " + e
                + (residual ? " +res" : "") + (bias == null ? " no bias" : "");
        float[] x = TestSupport.random(r, g.inputLength());
        float[] w = TestSupport.random(r, 3 + g.weightLength());
        float[] res = residual ? TestSupport.random(r, g.outputLength()) : null;
        float[] expected = new float[g.outputLength()];
        ConvReference.conv(g, x, 0, w, 3, bias, Epilogue.NONE, expected, 0);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = e.apply(expected[i] + (res == null ? 0f : res[i]));
        }
        NchwcStemConv k = NchwcStemConv.prepare(g, w, 3, bias, e, be);
        float[] xOff = new float[x.length + 4];
        Arrays.fill(xOff, Float.NaN);
        System.arraycopy(x, 0, xOff, 2, x.length);
        float[] rb = null;
        if (res != null) {
            float[] b = NchwcConvTest.blocked(batch, m, g.outputPlane(), res);
            rb = new float[b.length + 5];
            System.arraycopy(b, 0, rb, 5, b.length);
        }
        float[] yb = new float[(int) k.outputLength() + 2];
        for (int rep = 0; rep < 2; rep++) {
            // twice: the second run reuses the task object and the layout buffer of the first
            Arrays.fill(yb, Float.NaN);
            k.run(xOff, 2, yb, 1, rb, 5, p);
            NchwcConvTest.compare(what + " run " + rep, batch, m, g.outputPlane(), g.reductionLength() + 2, expected,
                    yb, 1);
            assertEquals(Float.NaN, yb[0], what + ": wrote before the output");
            assertEquals(Float.NaN, yb[yb.length - 1], what + ": wrote past the output");
        }
    }
}
