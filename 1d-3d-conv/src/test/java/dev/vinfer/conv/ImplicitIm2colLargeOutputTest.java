package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvAlgorithm#IMPLICIT_IM2COL} on an output above the vector GEMM's grouped-sweep threshold (8 MB: the
 * 3x3x3 3->64 video stem's case), against {@link ConvReference} on every backend, serial and parallel: 19 output
 * channels (two 8-row tiles and a 3-row edge), rows of 150 pixels (panels across rows), one image of 6 frames.
 */
class ImplicitIm2colLargeOutputTest {
    @Test
    void videoStemKindAboveTheThreshold() {
        ConvGeometry g = ConvGeometry.builder().channels(3, 19).input(6, 155, 150).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        assertEquals(true, g.outputLength() >= 2L << 20, "above the grouped sweep's threshold");
        ConvAlgorithmsTest.check("seed=7800", g, ConvAlgorithm.IMPLICIT_IM2COL, new Random(7800));
    }
}
