package dev.vinfer.ops.shape;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import org.junit.jupiter.api.Test;

/** Out-of-range indices are reported as VinferException, never as an array index error; negatives wrap once. */
class IndexCheckTest {
    private static final TestContext CTX = new TestContext();
    private static final Tensor DATA = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);

    @Test
    void gatherWrapsNegativeAndRejectsOutOfRange() {
        Tensor y = new GatherOp(1).run(CTX, new Tensor[] {DATA, Tensor.of(new long[] {-1, 0}, 2)})[0];
        assertArrayEquals(new float[] {2, 0, 5, 3}, y.toFloatArray());
        assertThrows(VinferException.class,
                () -> new GatherOp(1).run(CTX, new Tensor[] {DATA, Tensor.of(new long[] {3}, 1)}));
        assertThrows(VinferException.class,
                () -> new GatherOp(0).run(CTX, new Tensor[] {DATA, Tensor.of(new int[] {-3}, 1)}));
    }

    @Test
    void gatherElementsAndGatherNDRejectOutOfRange() {
        assertThrows(VinferException.class, () -> new GatherElementsOp(0).run(CTX,
                new Tensor[] {DATA, Tensor.of(new long[] {2, 0, 0}, 1, 3)}));
        assertThrows(VinferException.class, () -> new GatherNDOp(0).run(CTX,
                new Tensor[] {DATA, Tensor.of(new long[] {1, -4}, 1, 2)}));
    }

    @Test
    void scattersRejectOutOfRange() {
        Tensor upd = Tensor.of(new float[] {9, 9, 9}, 1, 3);
        assertThrows(VinferException.class, () -> new ScatterElementsOp("ScatterElements", 1,
                ScatterReduction.NONE).run(CTX, new Tensor[] {DATA, Tensor.of(new long[] {0, 3, 1}, 1, 3), upd}));
        assertThrows(VinferException.class, () -> new ScatterNDOp(ScatterReduction.ADD).run(CTX,
                new Tensor[] {DATA, Tensor.of(new long[] {2}, 1, 1), upd}));
    }

    /** Scalar data (a fuzzed Scatter, session 8): a clear error, not an index exception from the axis lookup. */
    @Test
    void elementOpsRejectScalarData() {
        Tensor scalar = Tensor.of(new float[] {1}, new int[0]);
        Tensor index = Tensor.of(new long[] {0}, new int[0]);
        VinferException e = assertThrows(VinferException.class, () -> new ScatterElementsOp("Scatter", 0,
                ScatterReduction.NONE).run(CTX, new Tensor[] {scalar, index, scalar}));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("rank >= 1"), e.getMessage());
        assertThrows(VinferException.class, () -> new GatherElementsOp(0).run(CTX, new Tensor[] {scalar, index}));
    }

    @Test
    void scatterNDReductionsCombineInOrder() {
        Tensor idx = Tensor.of(new long[] {1, -1}, 2, 1);
        Tensor upd = Tensor.of(new float[] {1, 1, 1, 2, 2, 2}, 2, 3);
        Tensor y = new ScatterNDOp(ScatterReduction.MUL).run(CTX, new Tensor[] {DATA, idx, upd})[0];
        assertArrayEquals(new float[] {0, 1, 2, 6, 8, 10}, y.toFloatArray());
    }

    @Test
    void scatterMaxOnUint64ComparesUnsigned() {
        Tensor data = Tensor.zeros(dev.vinfer.runtime.DType.UINT64, 2);
        Tensor upd = Tensor.zeros(dev.vinfer.runtime.DType.UINT64, 1);
        upd.setLong(0, -1L); // 2^64 - 1
        Tensor y = new ScatterElementsOp("ScatterElements", 0, ScatterReduction.MAX).run(CTX,
                new Tensor[] {data, Tensor.of(new long[] {1}, 1), upd})[0];
        assertArrayEquals(new long[] {0, -1L}, y.toLongArray());
    }
}
