package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Runs in its own JVM with {@code -Dvinfer.scalar=true} (see the module pom): the default entry points must then
 * use the scalar kernels, and still be correct. Skipped in the ordinary test run.
 */
class ForcedScalarPropertyTest {

    @Test
    void defaultBackendIsScalarAndCorrect() {
        assumeTrue(Boolean.getBoolean(Kernels.SCALAR_PROPERTY), "only with -Dvinfer.scalar=true");
        assertFalse(Kernels.backend().vectorized());
        assertFalse(Sgemm.get().backend().vectorized());
        SmokeCheck.defaultEntryPoints(new Random(8100));
    }
}
