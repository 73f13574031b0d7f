package dev.vinfer.ops.nn.resize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

class ResizeOpTest {

    private static Tensor resize(ResizeSpec spec, Tensor x, Tensor scales, Tensor sizes) {
        return new ResizeOp("Resize", spec, null, -1, 1, 2).run(new TestContext(),
                new Tensor[] {x, scales, sizes})[0];
    }

    @Test
    void legacyNearestFloorsWhenUpscalingAndCeilsWhenDownscaling() {
        ResizeSpec spec = ResizeSpec.of(ResizeMode.NEAREST, CoordinateTransform.ASYMMETRIC,
                NearestRounding.FLOOR_UP_CEIL_DOWN);
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4}, 5);
        // scale 0.6: x = 0, 1.67, 3.33 -> ceil 0, 2, 4
        assertArrayEquals(new float[] {0, 2, 4}, resize(spec, x, Tensor.of(new float[] {0.6f}, 1), null)
                .toFloatArray());
        // scale 1.5: x = 0, 0.67, 1.33, ... -> floor
        assertArrayEquals(new float[] {0, 0, 1, 2, 2, 3, 4}, resize(spec, x, Tensor.of(new float[] {1.5f}, 1), null)
                .toFloatArray());
    }

    @Test
    void integerOutputsRoundHalfToEvenAndSaturate() {
        ResizeSpec linear = ResizeSpec.of(ResizeMode.LINEAR, CoordinateTransform.ALIGN_CORNERS,
                NearestRounding.ROUND_PREFER_FLOOR);
        Tensor x = Tensor.ofBytes(DType.UINT8, new byte[] {0, 1, 3}, 3);
        // samples at 0, 0.5, 1, 1.5, 2 -> 0, 0.5, 1, 2, 3; 0.5 rounds to 0
        Tensor y = resize(linear, x, null, Tensor.of(new long[] {5}, 1));
        assertArrayEquals(new long[] {0, 0, 1, 2, 3}, y.toLongArray());

        ResizeSpec cubic = ResizeSpec.of(ResizeMode.CUBIC, CoordinateTransform.HALF_PIXEL,
                NearestRounding.ROUND_PREFER_FLOOR);
        byte[] step = {0, 0, (byte) 255, (byte) 255};
        Tensor overshoot = resize(cubic, Tensor.of(new float[] {0, 0, 255, 255}, 4), null,
                Tensor.of(new long[] {8}, 1));
        Tensor clamped = resize(cubic, Tensor.ofBytes(DType.UINT8, step, 4), null, Tensor.of(new long[] {8}, 1));
        boolean overshoots = false;
        for (int i = 0; i < 8; i++) {
            float f = overshoot.getFloat(i);
            overshoots |= f > 255 || f < 0;
            assertEquals(Math.max(0, Math.min(255, Math.rint(f))), clamped.getDouble(i));
        }
        assertTrue(overshoots, "cubic should ring past the step in float");
    }

    @Test
    void pytorchHalfPixelSamplesTheStartForALengthOneOutput() {
        ResizeSpec spec = ResizeSpec.of(ResizeMode.CUBIC, CoordinateTransform.PYTORCH_HALF_PIXEL,
                NearestRounding.ROUND_PREFER_FLOOR);
        Tensor y = resize(spec, Tensor.of(new float[] {5, 1, 7, 2}, 4), null, Tensor.of(new long[] {1}, 1));
        assertArrayEquals(new float[] {5}, y.toFloatArray());
    }

    @Test
    void notLargerKeepsTheAspectRatioWithinTheRequestedSizes() {
        ResizeSpec spec = new ResizeSpec(ResizeMode.NEAREST, CoordinateTransform.HALF_PIXEL,
                NearestRounding.ROUND_PREFER_FLOOR, -0.75, false, 0, false, new int[] {2, 3},
                AspectRatioPolicy.NOT_LARGER);
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 1, 2, 4);
        // scales 3/2 and 3/4: the smaller, 0.75, applies to both -> [round(1.5), 3] = [2, 3]
        Tensor y = resize(spec, x, null, Tensor.of(new long[] {3, 3}, 2));
        assertArrayEquals(new int[] {1, 1, 2, 3}, y.shape());
    }
}
