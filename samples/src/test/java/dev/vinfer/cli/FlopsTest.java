package dev.vinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Flops} of a fused node (Conv+Concat, an inverted bottleneck) equals the sum of its convolutions. */
class FlopsTest {

    @Test
    void convConcatCountsEachConvolution() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 16, 13, 13);
        Tensor w1 = Tensor.zeros(DType.FLOAT32, 64, 16, 1, 1);
        Tensor w3 = Tensor.zeros(DType.FLOAT32, 64, 16, 3, 3);
        Tensor b = Tensor.zeros(DType.FLOAT32, 64);
        double one = Flops.of("Conv+Relu", new Tensor[] {x, w1, b},
                new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 64, 13, 13)});
        double three = Flops.of("Conv+Relu", new Tensor[] {x, w3, b},
                new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 64, 13, 13)});
        double fused = Flops.of("Conv+Relu+Concat", new Tensor[] {x, w1, b, x, w3, null},
                new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 128, 13, 13)});
        assertEquals(2.0 * 169 * 64 * 16, one);
        assertEquals(one + three, fused);
    }

    @Test
    void blockedOutputsCountPositionsNotPaddingLanes() {
        // SqueezeNet's fire module, blocked: 16 -> 64 (1x1) and 16 -> 64 (3x3) into [1, 8, 13, 13, 16]
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 1, 13, 13, 16);
        Tensor w1 = Tensor.zeros(DType.FLOAT32, 64, 16, 1, 1);
        Tensor w3 = Tensor.zeros(DType.FLOAT32, 64, 16, 3, 3);
        double fused = Flops.of("Conv+Relu+Concat", new Tensor[] {x, w1, null, x, w3, null},
                new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 8, 13, 13, 16)});
        assertEquals(2.0 * 169 * 64 * 16 * (1 + 9), fused);
        // its classifier, 512 -> 1000 (1x1) written as 63 blocks of 16: the 8 padding lanes are not counted
        Tensor wc = Tensor.zeros(DType.FLOAT32, 1000, 512, 1, 1);
        double classifier = Flops.of("Conv+Relu", new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 32, 13, 13, 16), wc,
            null}, new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 63, 13, 13, 16)});
        assertEquals(2.0 * 169 * 1000 * 512, classifier);
    }

    @Test
    void bottleneckCountsExpansionDepthwiseAndProjection() {
        // blocked tensors: 24 -> 144 (1x1) on 14x14, depthwise 3x3 stride 2 to 7x7, 144 -> 32 (1x1)
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 2, 14, 14, 16);
        Tensor we = Tensor.zeros(DType.FLOAT32, 144, 24, 1, 1);
        Tensor wd = Tensor.zeros(DType.FLOAT32, 144, 1, 3, 3);
        Tensor wp = Tensor.zeros(DType.FLOAT32, 32, 144, 1, 1);
        Tensor y = Tensor.zeros(DType.FLOAT32, 1, 2, 7, 7, 16);
        double all = Flops.of("Conv+Clip>Conv+Clip>Conv", new Tensor[] {x, we, null, wd, null, wp, null},
                new Tensor[] {y});
        assertEquals(2.0 * 196 * 144 * 24 + 2.0 * 49 * 144 * 9 + 2.0 * 49 * 32 * 144, all);
        double noExpansion = Flops.of("Conv+Clip>Conv", new Tensor[] {x, null, null, wd, null, wp, null},
                new Tensor[] {y});
        assertEquals(2.0 * 49 * 144 * 9 + 2.0 * 49 * 32 * 144, noExpansion);
    }
}
