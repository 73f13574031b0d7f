package dev.vinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Flops} of a fused Conv+Concat node equals the sum of its convolutions counted one by one. */
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
}
