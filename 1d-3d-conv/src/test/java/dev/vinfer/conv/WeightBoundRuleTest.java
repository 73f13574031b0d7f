package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine rule for 3x3 layers whose Winograd weights stream from memory
 * ({@link NchwcWeightBoundRule#runsDirect}) and the vendor it reads ({@link CpuVendor}).
 */
class WeightBoundRuleTest {
    private static final String PROPERTY = "vinfer.nchwc.weightBoundKernel";

    private static ConvGeometry square(int c, int m, int side) {
        return ConvGeometry.builder().channels(c, m).input(side, side).kernel(3, 3)
                .pads(new int[] {1, 1}, new int[] {1, 1}).build();
    }

    @Test
    void onlyWeightBoundPlanesAndTheForcedChoice() {
        String before = System.getProperty(PROPERTY);
        try {
            ConvGeometry bound = square(512, 512, 7);
            System.setProperty(PROPERTY, "direct");
            assertTrue(NchwcWeightBoundRule.runsDirect(bound), "512@7x7, forced direct");
            assertFalse(NchwcWeightBoundRule.runsDirect(square(128, 32, 7)),
                    "DenseNet's 128->32 @7x7: its weights stay in cache, blocked F(2,3)");
            assertFalse(NchwcWeightBoundRule.runsDirect(square(64, 64, 56)), "64@56x56: F(4,3)");
            assertFalse(NchwcWeightBoundRule.runsDirect(ConvGeometry.builder().channels(512, 512)
                    .input(14, 14).kernel(3, 3).strides(2, 2).pads(new int[] {1, 1}, new int[] {1, 1}).build()),
                    "stride 2: not a Winograd layer");
            System.setProperty(PROPERTY, "winograd");
            assertFalse(NchwcWeightBoundRule.runsDirect(bound), "512@7x7, forced Winograd");
            System.clearProperty(PROPERTY);
            assertEquals(CpuVendor.intel(), NchwcWeightBoundRule.runsDirect(bound),
                    "by default, the direct kernel on Intel (measured), Winograd elsewhere; vendor '" + CpuVendor.ID
                            + "'");
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }

    @Test
    void blockedF23ForWeightBoundPlanesWhereMeasured() {
        String property = "vinfer.nchwcWinograd.weightBoundBlocked";
        String before = System.getProperty(property);
        try {
            ConvGeometry bound = square(512, 512, 7);
            System.setProperty(property, "true");
            assertEquals(2, NchwcWinogradConv.autoTileOutputs(bound), "512@7x7, forced blocked");
            assertFalse(NchwcWeightBoundRule.runsDirect(bound), "blocked F(2,3), not direct");
            System.setProperty(property, "false");
            assertEquals(0, NchwcWinogradConv.autoTileOutputs(bound), "512@7x7, forced NCHW");
            assertEquals(2, NchwcWinogradConv.autoTileOutputs(square(128, 32, 7)),
                    "DenseNet's 128->32 @7x7 is not weight-bound: blocked either way");
            System.clearProperty(property);
            assertEquals(CpuVendor.amd() && "vector-512".equals(Kernels.backend().name()),
                    NchwcWeightBoundRule.blockedWhenWeightBound(), "by default on AMD with AVX-512 only; vendor '"
                            + CpuVendor.ID + "', backend " + Kernels.backend().name());
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    @Test
    void vendorFromCpuinfo(@TempDir Path dir) throws IOException {
        Path intel = dir.resolve("intel");
        Files.writeString(intel, "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n\nprocessor\t: 1\n"
                + "vendor_id\t: AuthenticAMD\n");
        assertEquals("GenuineIntel", CpuVendor.read(intel), "the first processor's vendor");
        Path amd = dir.resolve("amd");
        Files.writeString(amd, "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n");
        assertEquals("AuthenticAMD", CpuVendor.read(amd));
        Path none = dir.resolve("arm");
        Files.writeString(none, "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n\nvendor_id : late\n");
        assertEquals("", CpuVendor.read(none), "no vendor_id in the first block");
        assertEquals("", CpuVendor.read(dir.resolve("missing")));
    }
}
