package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The backend selection rule, and the scalar backend forced through every entry point. */
class KernelsTest {

    @Test
    void selectionRule() {
        Backend vector = Kernels.simd().orElse(Kernels.scalar());
        assertSame(Kernels.scalar(), Kernels.choose(true, Optional.of(vector)), "vinfer.scalar=true wins");
        assertSame(Kernels.scalar(), Kernels.choose(false, Optional.empty()), "no vector module: scalar");
        assertSame(vector, Kernels.choose(false, Optional.of(vector)), "otherwise the vector backend");
        assertFalse(Kernels.scalar().vectorized());
        Kernels.simd().ifPresent(b -> assertTrue(b.vectorized()));
    }

    @Test
    void defaultFollowsTheProperty() {
        boolean forced = Boolean.getBoolean(Kernels.SCALAR_PROPERTY);
        assertEquals(forced || Kernels.simd().isEmpty(), !Kernels.backend().vectorized());
        assertSame(Kernels.backend(), Sgemm.get().backend());
    }

    @Test
    void vectorWidthProperty() {
        Integer bits = Integer.getInteger("vinfer.vectorBits");
        assumeTrue(bits != null && Kernels.simd().isPresent(), "only with -Dvinfer.vectorBits and the module");
        int width = dev.vinfer.conv.simd.VectorBackend.lanes() * Float.SIZE;
        assertTrue(width <= bits, "asked for at most " + bits + " bits, runs " + width);
        assertEquals("vector-" + width, Kernels.simd().get().name());
    }

    @Test
    void scalarForcedThroughEntryPoints() {
        ConvGeometry g = ConvGeometry.builder().channels(3, 5).input(6, 7).kernel(3, 2).padsOnnx(1, 0, 1, 1).build();
        float[] w = TestSupport.random(new java.util.Random(8000), g.weightLength());
        ConvKernel k = Convolutions.prepare(g, w, 0, null, Epilogue.NONE, ConvAlgorithm.AUTO, Kernels.scalar());
        assertSame(Kernels.scalar(), k.backend());
        assertFalse(Sgemm.with(Kernels.scalar()).packA(false, 2, 2, new float[4], 0, 2).backend().vectorized());
    }
}
