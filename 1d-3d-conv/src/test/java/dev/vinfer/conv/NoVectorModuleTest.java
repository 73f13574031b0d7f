package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Runs in its own JVM without {@code --add-modules jdk.incubator.vector} (see the module pom): loading the vector
 * backend must fail quietly and everything must work on the scalar kernels. Skipped in the ordinary test run.
 */
class NoVectorModuleTest {

    @Test
    void fallsBackToScalar() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty(), "only without the module");
        assertTrue(Kernels.simd().isEmpty());
        assertFalse(Kernels.backend().vectorized());
        SmokeCheck.defaultEntryPoints(new Random(8200));
    }
}
