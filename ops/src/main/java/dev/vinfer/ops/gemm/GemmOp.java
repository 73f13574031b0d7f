package dev.vinfer.ops.gemm;

import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.Gemv;
import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.PackedMatrix;
import dev.vinfer.conv.Sgemm;
import dev.vinfer.ops.util.Broadcast;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * Gemm: {@code Y = alpha * op(A) * op(B) + beta * C}, with C broadcast to [M, N], then an optional fused activation.
 * A constant B (the usual fully-connected weights) is packed once at construction.
 */
public final class GemmOp implements Operator, dev.vinfer.runtime.PackedConstants {
    /**
     * Weights from which a batch-1 Gemm runs the GEMV kernel. Below, the product is too small to gain, and the
     * GEMM's kernels are warm from the convolutions while the GEMV's, called a few times per run, would run in
     * C1 code (boxing every vector) for thousands of runs.
     */
    static final long MIN_GEMV_WEIGHTS = 1 << 16;

    private final boolean transA;
    private final boolean transB;
    private final float alpha;
    private final float beta;
    private final Tensor constB;
    private final PackedMatrix packedB;
    private final Epilogue epilogue;

    public GemmOp(boolean transA, boolean transB, float alpha, float beta, Tensor constB) {
        this(transA, transB, alpha, beta, constB, Epilogue.NONE);
    }

    /** As the plain constructor, applying {@code epilogue} (null: none) to every output element last. */
    public GemmOp(boolean transA, boolean transB, float alpha, float beta, Tensor constB, Epilogue epilogue) {
        this.epilogue = epilogue == null ? Epilogue.NONE : epilogue;
        this.transA = transA;
        this.transB = transB;
        this.alpha = alpha;
        this.beta = beta;
        this.constB = constB;
        if (constB != null && constB.dtype() == DType.FLOAT32 && constB.rank() == 2) {
            int k = transB ? constB.dim(1) : constB.dim(0);
            int n = transB ? constB.dim(0) : constB.dim(1);
            this.packedB = Sgemm.get().packB(transB, k, n, constB.floats(), constB.offset(), constB.dim(1));
        } else {
            this.packedB = null;
        }
    }

    /** B once packed (at construction): the multiplication reads the packed copy only. */
    @Override
    public boolean packedInput(int index, Tensor constant) {
        return index == 1 && packedB != null && constant == constB;
    }

    /** The same Gemm with an activation fused into its output. */
    public GemmOp withEpilogue(Epilogue e) {
        return new GemmOp(transA, transB, alpha, beta, constB, e);
    }

    public Epilogue epilogue() {
        return epilogue;
    }

    public boolean transA() {
        return transA;
    }

    public boolean transB() {
        return transB;
    }

    public float alpha() {
        return alpha;
    }

    public float beta() {
        return beta;
    }

    /** The constant B, or null when B is computed at run time. */
    public Tensor constantB() {
        return constB;
    }

    @Override
    public String opType() {
        return epilogue.isIdentity() ? "Gemm" : "Gemm+" + epilogue;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor a = inputs[0];
        Tensor b = inputs[1];
        Tensor c = inputs.length > 2 ? inputs[2] : null;
        if (a.dtype() != DType.FLOAT32 || b.dtype() != DType.FLOAT32) {
            throw new VinferException("Gemm supports float32, got " + a.dtype().displayName());
        }
        if (a.rank() != 2 || b.rank() != 2) {
            throw new VinferException("Gemm needs 2-D A and B, got " + a + " and " + b);
        }
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new VinferException("Gemm inner dimensions differ: A " + a + (transA ? "^T" : "") + ", B " + b
                    + (transB ? "^T" : ""));
        }
        if (c != null && beta != 0f) {
            checkBias(c, m, n);
        }
        Tensor y = ctx.output(0, DType.FLOAT32, m, n);
        if (ctx.preparing()) {
            return ctx.result(y); // the session's preparation run: B is packed already, the values do not matter
        }
        float[] yd = y.floats();
        int yo = y.offset();
        if (packedB != null && b == constB && m == 1 && (long) k * n >= MIN_GEMV_WEIGHTS) {
            // batch 1: a row times the packed weights, read once as contiguous vector streams (A's single row
            // is contiguous whether or not it is transposed)
            Gemv.multiplyPackedB(a.floats(), a.offset(), packedB, yd, yo, false, ctx.parallel());
        } else if (packedB != null && b == constB) {
            Sgemm.get().multiplyPackedB(transA, m, a.floats(), a.offset(), a.dim(1), packedB, yd, yo, n, false,
                    ctx.parallel());
        } else {
            Sgemm.get().multiply(transA, transB, m, n, k, a.floats(), a.offset(), a.dim(1), b.floats(), b.offset(),
                    b.dim(1), yd, yo, n, false, ctx.parallel());
        }
        if (alpha != 1f) {
            for (int i = 0; i < m * n; i++) {
                yd[yo + i] *= alpha;
            }
        }
        if (c != null && beta != 0f && c.dtype() == DType.FLOAT32 && c.size() == n && (c.rank() == 1
                || (c.rank() == 2 && c.dim(0) == 1))) {
            // The usual bias: one value per output column, added row by row without an index map.
            float[] cd = c.floats();
            int co = c.offset();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    yd[yo + i * n + j] += beta * cd[co + j];
                }
            }
        } else if (c != null && beta != 0f) {
            int[] map = Broadcast.same(c.shape(), y.shape()) ? null : Broadcast.indexMap(c.shape(), y.shape());
            for (int i = 0; i < m * n; i++) {
                yd[yo + i] += beta * c.getFloat(map == null ? i : map[i]);
            }
        }
        if (!epilogue.isIdentity()) {
            Kernels.backend().biasEpilogue(yd, yo, m * n, 0f, epilogue);
        }
        return ctx.result(y);
    }

    /**
     * C must be float32 and broadcast one way to {@code [m, n]} (ONNX Gemm): at most 2-D, each of its dims (aligned
     * right) 1 or the output's. Anything else would read past C's values.
     */
    private static void checkBias(Tensor c, int m, int n) {
        int[] out = {m, n};
        boolean ok = c.dtype() == DType.FLOAT32 && c.rank() <= 2;
        for (int i = 0; ok && i < c.rank(); i++) {
            int d = c.dim(c.rank() - 1 - i);
            ok = d == 1 || d == out[1 - i];
        }
        if (!ok) {
            throw new VinferException("Gemm: C " + c + " does not broadcast to the [" + m + ", " + n + "] output");
        }
    }
}
