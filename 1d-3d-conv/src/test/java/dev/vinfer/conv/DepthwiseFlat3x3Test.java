package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vinfer.conv.scalar.ScalarBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Backend#depthwise3x3Plane} of the vector backend on planes narrower than a vector (its flat run over the
 * whole plane, rows crossing vector lanes): equal bit for bit to the plain loops, which add the same FMAs in the
 * same order (a sigmoid, applied afterwards by the vector epilogue pass, within 1e-6). Widths 1-15 (7 and 14: MobileNetV2's planes), heights 1-17, planes that start at index 0 and end at the
 * array's end (no read outside the plane), the three clamps fused in the kernel and one that is not (sigmoid), and
 * geometries alternating as in a model (the per-thread row-edge table is rebuilt). Seeds are in failure messages.
 */
class DepthwiseFlat3x3Test {
    private static final Epilogue[] EPILOGUES = {Epilogue.NONE, Epilogue.RELU, Epilogue.clip(0f, 6f),
        Epilogue.SIGMOID};

    @Test
    void equalsThePlainLoops() {
        assumeTrue(Kernels.simd().isPresent(), "no Vector API backend");
        Backend be = Kernels.simd().get();
        long seed = 6600;
        for (int trial = 0; trial < 60; trial++, seed++) {
            Random r = new Random(seed);
            int cols = trial < 30 ? 1 + trial % 15 : (trial % 2 == 0 ? 14 : 7);
            int rows = 1 + r.nextInt(17);
            Epilogue e = EPILOGUES[trial % EPILOGUES.length];
            int plane = rows * cols;
            int sOff = r.nextBoolean() ? 0 : r.nextInt(9);
            float[] src = new float[sOff + plane];
            for (int i = 0; i < src.length; i++) {
                src[i] = r.nextFloat() * 8 - 4;
            }
            float[] coef = new float[11];
            for (int i = 0; i < coef.length; i++) {
                coef[i] = r.nextFloat() * 2 - 1;
            }
            float bias = r.nextFloat() - 0.5f;
            int dOff = r.nextInt(5);
            float[] got = new float[dOff + plane + 3];
            float[] want = new float[got.length];
            java.util.Arrays.fill(got, 42f);
            java.util.Arrays.fill(want, 42f);
            be.depthwise3x3Plane(coef, 2, src, sOff, rows, cols, bias, e, got, dOff);
            ScalarBackend.depthwise3x3PlaneLoops(coef, 2, src, sOff, rows, cols, bias, e, want, dOff);
            // Rows of at least a vector (runs at 8 or 4 lanes) take the strip kernel, whose sums are in another order:
            // 9 FMAs of values below 4 x 1 in magnitude, a few ulps of 36.
            float tol = cols >= be.depthwiseChannelBlock() ? 1e-4f : e == Epilogue.SIGMOID ? 1e-6f : 0f;
            for (int i = 0; i < got.length; i++) {
                // The sigmoid is applied afterwards by the backend's vector pass, whose exp is not Math.exp's.
                assertEquals(want[i], got[i], tol, "seed " + seed + " " + rows + "x" + cols + " " + e + " at " + i);
            }
        }
    }
}
