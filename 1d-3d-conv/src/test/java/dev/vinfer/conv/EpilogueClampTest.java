package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link Epilogue#isClamp}, {@link Epilogue#clampLow} and {@link Epilogue#clampHigh}, which kernels use to apply an
 * activation in registers: for a clamp, {@code min(max(x, low), high)} must be {@link Epilogue#apply}; every other
 * kind must say it is not a clamp (its kernels then run the pass) and leave the bounds open.
 */
class EpilogueClampTest {
    private static final Epilogue[] ALL = {Epilogue.NONE, Epilogue.RELU, Epilogue.clip(0f, 6f),
        Epilogue.clip(-0.5f, 0.25f), Epilogue.clip(0.1f, 0.6f), Epilogue.SIGMOID, Epilogue.HARD_SWISH,
        Epilogue.leakyRelu(0.1f), Epilogue.hardSigmoid(0.2f, 0.5f)};
    private static final float[] VALUES = {Float.NEGATIVE_INFINITY, -7f, -0.5f, -0f, 0f, 0.05f, 0.3f, 0.6f, 5.9f,
        6f, 100f, Float.POSITIVE_INFINITY};

    @Test
    void clampBoundsGiveTheActivation() {
        for (Epilogue e : ALL) {
            Epilogue.Kind k = e.kind();
            boolean clamp = k == Epilogue.Kind.NONE || k == Epilogue.Kind.RELU || k == Epilogue.Kind.CLIP;
            assertEquals(clamp, e.isClamp(), e.toString());
            if (!clamp) {
                assertEquals(Float.NEGATIVE_INFINITY, e.clampLow(), e.toString());
                assertEquals(Float.POSITIVE_INFINITY, e.clampHigh(), e.toString());
                continue;
            }
            for (float x : VALUES) {
                assertEquals(e.apply(x), Math.min(Math.max(x, e.clampLow()), e.clampHigh()), e + " at " + x);
            }
        }
    }
}
