package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertClose;
import static dev.vinfer.conv.TestSupport.random;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvAlgorithm#CHANNELS_LAST} ({@link ChannelsLastConv}, {@link GatherGemm}) against {@link ConvReference}
 * through {@link ConvAlgorithmsTest#check} (every backend, serial and parallel, NaN-filled output with offsets; the
 * seed in every message): randomized geometries of rank 1-3, and pinned edges of the vector kernel.
 */
class ChannelsLastConvTest {

    @Test
    void randomized() {
        for (long seed = 4100; seed < 4140; seed++) {
            Random r = new Random(seed);
            int rank = 1 + (int) (seed % 3);
            ConvGeometry g = ConvCases.forward(r, rank, ConvCases.Kind.GENERAL);
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.CHANNELS_LAST, r);
        }
    }

    /**
     * Pixels around the 6- and 7-row register tiles (1, 6, 7, 8, 13, 15 pixels, 49 and 196 for ResNet's planes, and
     * 576),
     * output channels around one and two 16-lane panels (15, 16, 17, 31, 33, 65) and a slice split over threads,
     * k-blocks of 256 floats rounded up to whole 16-channel runs, ending inside a tap's channels (C x taps = 1080:
     * five blocks of 224; 288: two of 144; 360: two of 192) and on tap boundaries (2304: nine), odd sizes and
     * asymmetric pads that read past the input's end, stride 2 and 3, dilation, groups and a batch of 2.
     */
    @Test
    void tileEdges() {
        long seed = 4200;
        ConvGeometry[] shapes = {
            ConvGeometry.builder().channels(3, 15).input(2, 2).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(5, 17).input(3, 4).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(7, 33).input(5, 6).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 0, 0)
                    .build(),
            ConvGeometry.builder().channels(9, 31).input(13, 13).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(32, 64).input(14, 14).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(120, 65).input(15, 15).kernel(3, 3).strides(2, 2)
                    .padsOnnx(1, 0, 2, 1).build(),
            ConvGeometry.builder().channels(256, 48).input(7, 7).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(64, 32).input(28, 28).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(40, 96).input(14, 14).kernel(1, 1).strides(2, 2).build(),
            ConvGeometry.builder().channels(40, 20).input(11, 11).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(16, 32).input(47, 47).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(11, 16).input(9, 17).kernel(3, 5).strides(3, 2).dilations(2, 1)
                    .padsOnnx(2, 0, 1, 3).build(),
            ConvGeometry.builder().batch(2).channels(12, 40).group(2).input(9, 8).kernel(3, 3).strides(2, 1)
                    .padsOnnx(1, 1, 1, 1).build(),
            ConvGeometry.builder().channels(6, 20).input(5, 6, 7).kernel(3, 3, 3).strides(2, 1, 2)
                    .padsOnnx(1, 1, 0, 1, 2, 1).build(),
            ConvGeometry.builder().channels(8, 24).input(31).kernel(5).strides(2).padsOnnx(2, 1).build(),
        };
        for (ConvGeometry g : shapes) {
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.CHANNELS_LAST, new Random(seed));
            seed++;
        }
    }

    /**
     * 1-D layers long enough to split by pixels copy their input by ranges of columns at two threads (each thread
     * the samples its GEMM tasks read): M5's 128 -> 128 on 995 samples, channels past a whole block
     * (20, copied one value at a time), stride 2 with dilation and asymmetric pads (the first column a part reads is
     * not its first output's), and a kernel wider than a part's edge. Serial, two threads and five are checked
     * against the reference ({@link ConvAlgorithmsTest#check}); that the shapes take the column copy is checked too.
     * Seeds 4400-4403.
     */
    @Test
    void oneDimensionalLayersCopyByColumns() {
        ConvGeometry[] shapes = {
            ConvGeometry.builder().channels(128, 128).input(995).kernel(3).padsOnnx(1, 1).build(),
            ConvGeometry.builder().channels(20, 40).input(700).kernel(3).padsOnnx(1, 1).build(),
            ConvGeometry.builder().channels(24, 33).input(1501).kernel(5).strides(2).dilations(2).padsOnnx(3, 2)
                    .build(),
            ConvGeometry.builder().channels(16, 16).input(640).kernel(80).strides(4).padsOnnx(0, 0).build(),
        };
        long seed = 4400;
        for (ConvGeometry g : shapes) {
            ConvKernel k = Convolutions.prepare(g, new float[g.weightLength()], 0, null, Epilogue.NONE,
                    ConvAlgorithm.CHANNELS_LAST, Kernels.backend());
            ChannelsLastConv c = (ChannelsLastConv) k;
            // at five threads a narrow vector's panels may slice the channels instead (then the copy keeps blocks)
            org.junit.jupiter.api.Assertions.assertTrue(c.copiesByColumns(2), "column copy at 2 threads: " + g);
            org.junit.jupiter.api.Assertions.assertFalse(c.copiesByColumns(1), g.toString());
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.CHANNELS_LAST, new Random(seed));
            seed++;
        }
    }

    /**
     * 1-D layers with at least {@link ChannelsLastConv#ONE_D_PIXEL_SPLIT} output samples a thread split by samples
     * (so they copy by columns) even where the plane is small enough that 2-D layers slice the output channels (M5's
     * 128 -> 256 on 248 samples, 96 a thread at five threads); fewer (M5's 256 -> 512 on 62) keep the channel slices.
     * Each against the reference on every backend and parallel (seed 4450 on).
     */
    @Test
    void oneDimensionalLayersSplitBySamples() {
        ConvGeometry[] bySamples = {
            ConvGeometry.builder().channels(128, 256).input(248).kernel(3).padsOnnx(1, 1).build(),
            ConvGeometry.builder().channels(40, 96).input(192).kernel(3).padsOnnx(1, 1).build(),
        };
        ConvGeometry channelSlices = ConvGeometry.builder().channels(256, 512).input(62).kernel(3).padsOnnx(1, 1)
                .build();
        long seed = 4450;
        for (ConvGeometry g : bySamples) {
            ChannelsLastConv c = (ChannelsLastConv) Convolutions.prepare(g, new float[g.weightLength()], 0, null,
                    Epilogue.NONE, ConvAlgorithm.CHANNELS_LAST, Kernels.backend());
            WorkGrid grid = c.grid(2);
            org.junit.jupiter.api.Assertions.assertEquals(1, grid.rowParts(), g.toString());
            org.junit.jupiter.api.Assertions.assertTrue(grid.tiles() >= 2, g.toString());
            org.junit.jupiter.api.Assertions.assertTrue(c.copiesByColumns(2), g.toString());
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.CHANNELS_LAST, new Random(seed));
            seed++;
        }
        ChannelsLastConv c = (ChannelsLastConv) Convolutions.prepare(channelSlices,
                new float[channelSlices.weightLength()], 0, null, Epilogue.NONE, ConvAlgorithm.CHANNELS_LAST,
                Kernels.backend());
        org.junit.jupiter.api.Assertions.assertTrue(c.grid(2).rowParts() >= 2, channelSlices.toString());
        org.junit.jupiter.api.Assertions.assertFalse(c.copiesByColumns(2), channelSlices.toString());
        ConvAlgorithmsTest.check("seed=" + seed, channelSlices, ConvAlgorithm.CHANNELS_LAST, new Random(seed));
    }

    /**
     * Two kernels sharing the calling thread's layout buffer, alternated: the unpadded one fills the whole buffer
     * with data, after which the padded one (whose padded grid overlaps those positions) must zero its border
     * again; then back. Seed 4300.
     */
    @Test
    void kernelsSharingTheLayoutKeepTheirPaddingZero() {
        Random r = new Random(4300);
        ConvGeometry full = ConvGeometry.builder().channels(16, 32).input(13, 13).kernel(3, 3).strides(2, 2).build();
        ConvGeometry padded = ConvGeometry.builder().channels(16, 32).input(9, 10).kernel(3, 3).strides(2, 2)
                .padsOnnx(2, 1, 2, 2).build();
        for (Backend be : TestSupport.backends()) {
            for (int round = 0; round < 2; round++) {
                for (ConvGeometry g : new ConvGeometry[] {full, padded}) {
                    float[] w = random(r, g.weightLength());
                    float[] in = random(r, g.inputLength());
                    float[] want = new float[g.outputLength()];
                    ConvReference.conv(g, in, 0, w, 0, null, Epilogue.NONE, want, 0);
                    ConvKernel k = Convolutions.prepare(g, w, 0, null, Epilogue.NONE, ConvAlgorithm.CHANNELS_LAST, be);
                    float[] out = new float[g.outputLength()];
                    k.run(in, 0, out, 0, Parallel.SERIAL);
                    assertClose("seed=4300 round " + round + " " + g + " " + be.name(), ConvAlgorithm.CHANNELS_LAST, g,
                            want, 0, out, 0, out.length);
                }
            }
        }
    }
}
