package dev.vinfer.ops.linalg;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import org.junit.jupiter.api.Test;

class EinsumOpTest {
    private static Tensor einsum(String equation, Tensor... inputs) {
        return new EinsumOp(EinsumEquation.parse(equation)).run(new TestContext(), inputs)[0];
    }

    @Test
    void implicitOutputSortsSingleLettersAndSumsRepeatedOnes() {
        // "ji,j" implicit output is "i": y[i] = sum_j a[j][i] * v[j]
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor v = Tensor.of(new float[] {10, 100}, 2);
        Tensor y = einsum("ji,j", a, v);
        assertArrayEquals(new int[] {3}, y.shape());
        assertArrayEquals(new float[] {410, 520, 630}, y.toFloatArray());
    }

    @Test
    void traceOfRepeatedIndex() {
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor y = einsum("ii", m);
        assertArrayEquals(new int[0], y.shape());
        assertArrayEquals(new float[] {5}, y.toFloatArray());
    }

    @Test
    void ellipsisBroadcastsSizeOneDimensions() {
        // a: [2,1,2] batch dims (2,1); b: [3,2] has none -> b broadcast; then a[..., j] * b[k, j] summed over j
        Tensor a = Tensor.of(new float[] {1, 0, 0, 1}, 2, 1, 2);
        Tensor b = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor y = einsum("...j,kj->...k", a, b);
        assertArrayEquals(new int[] {2, 1, 3}, y.shape());
        assertArrayEquals(new float[] {1, 3, 5, 2, 4, 6}, y.toFloatArray());
    }

    @Test
    void integerOperandsAccumulateExactly() {
        Tensor a = Tensor.of(new long[] {1L << 40, 3}, 2);
        Tensor b = Tensor.of(new long[] {2, 5}, 2);
        assertArrayEquals(new long[] {(1L << 41) + 15}, einsum("i,i->", a, b).toLongArray());
    }

    @Test
    void mismatchedLabelSizesAreRejected() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2);
        Tensor b = Tensor.of(new float[] {1, 2, 3}, 3);
        assertThrows(VinferException.class, () -> einsum("i,i", a, b));
    }

    @Test
    void malformedEquationsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> EinsumEquation.parse("i..,i"));
        assertThrows(IllegalArgumentException.class, () -> EinsumEquation.parse("ij->k"));
        assertThrows(IllegalArgumentException.class, () -> EinsumEquation.parse("ij->ii"));
    }
}
