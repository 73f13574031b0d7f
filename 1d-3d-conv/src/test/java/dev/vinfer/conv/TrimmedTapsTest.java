package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TrimmedTaps}: AUTO on geometries where some taps only read padding (short axes against larger kernels,
 * pads, strides, dilations, groups, batches) against {@link ConvReference} in double precision on every backend,
 * serial and parallel (through {@link ConvAlgorithmsTest#check}, seed in every message), and the trimmed shapes of
 * ResNet3D-10's last stages pinned.
 */
class TrimmedTapsTest {

    @Test
    void randomShortAxes() {
        int trimmed = 0;
        int reduced = 0;
        int cases = 0;
        for (long seed = 9100; seed < 9260; seed++) {
            Random r = new Random(seed);
            ConvGeometry g = shortAxes(r);
            ConvGeometry t = TrimmedTaps.geometry(g);
            if (t != null) {
                trimmed++;
                reduced += t.rank() < g.rank() ? 1 : 0;
                assertTrue(t.kernelSize() < g.kernelSize(), "seed=" + seed + " " + g + " -> " + t);
                assertEquals(g.outputLength(), t.outputLength(), "seed=" + seed);
                assertEquals(g.inputLength(), t.inputLength(), "seed=" + seed);
            }
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.AUTO, r);
            cases++;
        }
        // The generator must exercise the trimming (and the dropped axes), or this test checks nothing new.
        assertTrue(trimmed > cases / 3, trimmed + " of " + cases + " trimmed");
        assertTrue(reduced > cases / 10, reduced + " of " + cases + " lost an axis");
    }

    /** Rank 1-3, each axis 1-4 long (sometimes longer), kernels 1-5, strides 1-3, dilations 1-2, pads 0-3. */
    private static ConvGeometry shortAxes(Random r) {
        int rank = 1 + r.nextInt(3);
        int[] in = new int[rank];
        int[] k = new int[rank];
        int[] s = new int[rank];
        int[] d = new int[rank];
        int[] pb = new int[rank];
        int[] pe = new int[rank];
        for (int i = 0; i < rank; i++) {
            in[i] = r.nextInt(4) == 0 ? 5 + r.nextInt(9) : 1 + r.nextInt(4);
            k[i] = 1 + r.nextInt(5);
            s[i] = 1 + r.nextInt(3);
            d[i] = r.nextInt(4) == 0 ? 2 : 1;
            pb[i] = r.nextInt(4);
            pe[i] = r.nextInt(4);
            int extent = (k[i] - 1) * d[i] + 1;
            if (in[i] + pb[i] + pe[i] < extent) {
                pe[i] += extent - (in[i] + pb[i] + pe[i]);
            }
        }
        int group = r.nextInt(4) == 0 ? 2 : 1;
        int c = group * (1 + r.nextInt(5));
        int m = group * (1 + r.nextInt(20));
        return ConvGeometry.of(1 + r.nextInt(2), c, m, group, in, k, s, d, pb, pe);
    }

    /** ResNet3D-10's stage 4: 3x3x3 pad 1 on 1x4x4 is a 2-D 3x3 pad 1 on 4x4. */
    @Test
    void oneFrameBecomesTwoDimensional() {
        ConvGeometry g = ConvGeometry.builder().channels(24, 32).input(1, 4, 4).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        ConvGeometry t = TrimmedTaps.geometry(g);
        assertEquals(2, t.rank());
        assertArrayEquals(new int[] {4, 4}, t.inputDims());
        assertArrayEquals(new int[] {3, 3}, t.kernelDims());
        assertArrayEquals(new int[] {4, 4}, t.outputDims());
        assertEquals(1, t.padBegin(0));
        assertEquals(1, t.padEnd(1));
        ConvAlgorithmsTest.check("seed=9300", g, ConvAlgorithm.AUTO, new Random(9300));
    }

    /** Its stride-2 entry: 2 frames -> 1, pad 1: the first depth tap reads only padding. */
    @Test
    void stridedTwoFramesLoseOneDepthTap() {
        ConvGeometry g = ConvGeometry.builder().channels(16, 24).input(2, 7, 7).kernel(3, 3, 3).strides(2, 2, 2)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        ConvGeometry t = TrimmedTaps.geometry(g);
        assertEquals(3, t.rank());
        assertArrayEquals(new int[] {2, 3, 3}, t.kernelDims());
        assertEquals(0, t.padBegin(0));
        assertEquals(0, t.padEnd(0));
        assertArrayEquals(g.outputDims(), t.outputDims());
        ConvAlgorithmsTest.check("seed=9301", g, ConvAlgorithm.AUTO, new Random(9301));
    }

    /** Layers whose taps all read the input keep their geometry (and AUTO's choice). */
    @Test
    void fullLayersUntouched() {
        assertNull(TrimmedTaps.geometry(ConvGeometry.builder().channels(64, 64).input(56, 56).kernel(3, 3)
                .padsOnnx(1, 1, 1, 1).build()));
        assertNull(TrimmedTaps.geometry(ConvGeometry.builder().channels(64, 64).input(8, 28, 28).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build()));
        assertNull(TrimmedTaps.geometry(ConvGeometry.builder().channels(3, 64).input(16, 112, 112)
                .kernel(7, 7, 7).strides(1, 2, 2).padsOnnx(3, 3, 3, 3, 3, 3).build()));
        // ResNet3D-10's stage 3 (2 frames, stride 1, pad 1): each depth tap reads a frame for some output.
        assertNull(TrimmedTaps.geometry(ConvGeometry.builder().channels(8, 8).input(2, 7, 7).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build()));
    }

    /** A forced algorithm runs the geometry it was given. */
    @Test
    void forcedAlgorithmsAreNotTrimmed() {
        ConvGeometry g = ConvGeometry.builder().channels(16, 16).input(1, 4, 4).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        float[] w = new float[g.weightLength()];
        assertEquals(ConvAlgorithm.WINOGRAD_F2_3, Convolutions.prepare(g, w, 0, null, null,
                ConvAlgorithm.WINOGRAD_F2_3).algorithm());
        assertEquals(ConvAlgorithm.IM2COL, Convolutions.prepare(g, w, 0, null, null, ConvAlgorithm.IM2COL)
                .algorithm());
    }
}
