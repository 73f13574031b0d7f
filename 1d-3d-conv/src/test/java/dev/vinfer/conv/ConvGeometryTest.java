package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConvGeometryTest {

    @Test
    void outputDimsFollowTheFormula() {
        // floor((in + pb + pe - dil*(k-1) - 1) / s) + 1 per dim: (7+1+2-2*2-1)/2+1 = 3, (10+0+0-2-1)/3+1 = 3.
        ConvGeometry g = ConvGeometry.builder().batch(2).channels(6, 4).group(2).input(7, 10).kernel(3, 3)
                .strides(2, 3).dilations(2, 1).pads(new int[] {1, 0}, new int[] {2, 0}).build();
        assertArrayEquals(new int[] {3, 3}, g.outputDims());
        assertEquals(9, g.outputPlane());
        assertEquals(70, g.inputPlane());
        assertEquals(3 * 9, g.reductionLength());
        assertEquals(4 * 3 * 9, g.weightLength());
        assertEquals(2 * 6 * 70, g.inputLength());
        assertEquals(2 * 4 * 9, g.outputLength());
        assertEquals(3, g.inChannelsPerGroup());
        assertEquals(2, g.outChannelsPerGroup());
    }

    @Test
    void onnxPadsOrderAndDefaults() {
        ConvGeometry a = ConvGeometry.builder().channels(1, 1).input(5, 6, 7).kernel(1, 2, 3).padsOnnx(1, 2, 3, 4, 5,
                6).build();
        assertEquals(1, a.padBegin(0));
        assertEquals(3, a.padBegin(2));
        assertEquals(4, a.padEnd(0));
        assertEquals(6, a.padEnd(2));
        assertEquals(1, a.stride(1));
        assertEquals(1, a.dilation(2));
        ConvGeometry b = ConvGeometry.of(1, 1, 1, 1, new int[] {5, 6, 7}, new int[] {1, 2, 3}, null, null,
                new int[] {1, 2, 3}, new int[] {4, 5, 6});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, ConvGeometry.builder().channels(1, 1).input(5, 6, 7).kernel(1, 2, 3).build());
    }

    @Test
    void pointwiseAndDepthwisePredicates() {
        assertTrue(ConvGeometry.builder().channels(4, 8).input(5).kernel(1).dilations(3).build().isPointwise());
        assertTrue(ConvGeometry.builder().channels(4, 8).group(4).input(5).kernel(3).build().isDepthwise());
    }

    private static void assertInvalid(String fragment, Runnable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void rejectsInvalidCombinations() {
        assertInvalid("not divisible by group",
                () -> ConvGeometry.builder().channels(6, 4).group(4).input(5).kernel(1).build());
        assertInvalid("output channels M 6 is not divisible by group 4",
                () -> ConvGeometry.builder().channels(8, 6).group(4).input(5).kernel(1).build());
        assertInvalid("has no output",
                () -> ConvGeometry.builder().channels(1, 1).input(4).kernel(3).dilations(2).build());
        assertInvalid("rank must be 1..3",
                () -> ConvGeometry.builder().channels(1, 1).input(2, 2, 2, 2).kernel(1, 1, 1, 1).build());
        assertInvalid("rank must be 1..3", () -> ConvGeometry.builder().channels(1, 1).input().kernel().build());
        assertInvalid("kernel has 1 values", () -> ConvGeometry.builder().channels(1, 1).input(4, 4).kernel(1)
                .build());
        assertInvalid("strides[0] must be >= 1",
                () -> ConvGeometry.builder().channels(1, 1).input(4).kernel(1).strides(0).build());
        assertInvalid("pads begin[0] must be >= 0",
                () -> ConvGeometry.builder().channels(1, 1).input(4).kernel(1).pads(new int[] {-1}, new int[] {0})
                        .build());
        assertInvalid("batch N must be >= 1",
                () -> ConvGeometry.builder().batch(0).channels(1, 1).input(4).kernel(1).build());
        assertInvalid("input channels C must be >= 1", () -> ConvGeometry.builder().input(4).kernel(1).build());
        assertInvalid("ONNX pads", () -> ConvGeometry.builder().padsOnnx(1, 2, 3));
        assertInvalid("too many", () -> ConvGeometry.builder().channels(1 << 16, 1).input(1 << 16).kernel(1)
                .build());
    }

    @Test
    void transposeOutputDimsFollowTheFormula() {
        // stride*(in-1) + output_padding + (k-1)*dil + 1 - pb - pe: 2*4 + 1 + 2*2 + 1 - 1 - 2 = 11; 3*2+0+2+1-0-0 = 9.
        ConvTransposeGeometry g = ConvTransposeGeometry.builder().channels(4, 6).group(2).input(5, 3).kernel(3, 3)
                .strides(2, 3).dilations(2, 1).pads(new int[] {1, 0}, new int[] {2, 0}).outputPadding(1, 0).build();
        assertArrayEquals(new int[] {11, 9}, g.outputDims());
        assertEquals(4 * 3 * 9, g.weightLength());
        assertEquals(2 * 9, g.reductionLength());
    }

    @Test
    void transposeRejectsInvalidCombinations() {
        assertInvalid("not divisible by group",
                () -> ConvTransposeGeometry.builder().channels(3, 4).group(2).input(4).kernel(2).build());
        assertInvalid("output dim 0 would be 0",
                () -> ConvTransposeGeometry.builder().channels(1, 1).input(1).kernel(2).padsOnnx(1, 1).build());
        assertInvalid("output_padding[0] must be >= 0",
                () -> ConvTransposeGeometry.builder().channels(1, 1).input(3).kernel(2).outputPadding(-1).build());
    }
}
