package dev.vinfer.ops.nn.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

class NormalizationOpsTest {

    private static final float[] X = {1, 2, 3, 4, 5, 6, 7, 9, -1, 0, 2, 8, 3, 3, 1, 0};

    @Test
    void groupNormPerGroupAffineEqualsTheSameValuesRepeatedPerChannel() {
        Tensor x = Tensor.of(X, 1, 4, 2, 2);
        Tensor perGroup = new GroupNormalizationOp(2, 1e-5, true).run(new TestContext(), new Tensor[] {x,
            Tensor.of(new float[] {2, -1}, 2), Tensor.of(new float[] {0.5f, 3}, 2)})[0];
        Tensor perChannel = new GroupNormalizationOp(2, 1e-5, false).run(new TestContext(), new Tensor[] {x,
            Tensor.of(new float[] {2, 2, -1, -1}, 4), Tensor.of(new float[] {0.5f, 0.5f, 3, 3}, 4)})[0];
        assertArrayEquals(perChannel.toFloatArray(), perGroup.toFloatArray());
    }

    @Test
    void batchNormPerActivationUsesOneParameterPerChannelAndPosition() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        float[] scale = {1, 2, 3, 4};
        float[] bias = {0, 1, 0, 1};
        float[] mean = {1, 1, 2, 2};
        float[] var = {1, 4, 1, 4};
        Tensor y = new BatchNormalizationOp(0, true, false, 0, false).run(new TestContext(), new Tensor[] {x,
            Tensor.of(scale, 2, 2), Tensor.of(bias, 2, 2), Tensor.of(mean, 2, 2), Tensor.of(var, 2, 2)})[0];
        float[] want = new float[8];
        for (int i = 0; i < 8; i++) {
            int j = i % 4;
            want[i] = (float) ((x.getFloat(i) - mean[j]) / Math.sqrt(var[j]) * scale[j] + bias[j]);
        }
        assertArrayEquals(want, y.toFloatArray(), 1e-6f);
    }

    @Test
    void batchNormTrainingUsesBatchStatisticsAndUpdatesRunningOnes() {
        // one channel, values 1 and 3: batch mean 2, population variance 1
        Tensor x = Tensor.of(new float[] {1, 3}, 2, 1);
        Tensor[] out = new BatchNormalizationOp(0, false, true, 0.75, true).run(new TestContext(), new Tensor[] {x,
            Tensor.of(new float[] {1}, 1), Tensor.of(new float[] {0}, 1), Tensor.of(new float[] {10}, 1),
            Tensor.of(new float[] {5}, 1)});
        assertArrayEquals(new float[] {-1, 1}, out[0].toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {10 * 0.75f + 2 * 0.25f}, out[1].toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {5 * 0.75f + 1 * 0.25f}, out[2].toFloatArray(), 1e-6f);
    }
}
