package dev.vinfer.ops.gemm;

import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.PackedMatrix;
import dev.vinfer.conv.Sgemm;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * MatMul with numpy semantics: 1-D operands are promoted (and the added axis dropped again), leading batch axes
 * broadcast. A constant 2-D B (weights) is packed once, and a batch of A rows against it runs as one GEMM.
 */
public final class MatMulOp implements Operator {
    private final Tensor constB;
    private final PackedMatrix packedB;
    private final Epilogue epilogue;

    public MatMulOp(Tensor constB) {
        this(constB, Epilogue.NONE);
    }

    /**
     * As the plain constructor, applying {@code epilogue} (null: none) to every output element; a non-identity
     * epilogue needs float32 operands.
     */
    public MatMulOp(Tensor constB, Epilogue epilogue) {
        this.epilogue = epilogue == null ? Epilogue.NONE : epilogue;
        this.constB = constB;
        this.packedB = constB != null && constB.dtype() == DType.FLOAT32 && constB.rank() == 2
                ? Sgemm.get().packB(false, constB.dim(0), constB.dim(1), constB.floats(), constB.offset(),
                        constB.dim(1))
                : null;
    }

    /** The same MatMul with an activation fused into its output. */
    public MatMulOp withEpilogue(Epilogue e) {
        return new MatMulOp(constB, e);
    }

    public Epilogue epilogue() {
        return epilogue;
    }

    /** The constant B, or null. */
    public Tensor constantB() {
        return constB;
    }

    @Override
    public String opType() {
        return epilogue.isIdentity() ? "MatMul" : "MatMul+" + epilogue;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor a = inputs[0];
        Tensor b = inputs[1];
        if (a.dtype() != b.dtype()) {
            throw new VinferException("MatMul operands differ in dtype: " + a + " and " + b);
        }
        if (a.rank() == 0 || b.rank() == 0) {
            throw new VinferException("MatMul operands must have rank >= 1, got " + a + " and " + b);
        }
        int[] as = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.shape();
        int[] bs = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.shape();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int n = bs[bs.length - 1];
        if (bs[bs.length - 2] != k) {
            throw new VinferException("MatMul inner dimensions differ: " + a + " x " + b);
        }
        int[] batchA = Arrays.copyOf(as, as.length - 2);
        int[] batchB = Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shapes.broadcast(batchA, batchB);
        int[] outFull = Arrays.copyOf(batch, batch.length + 2);
        outFull[batch.length] = m;
        outFull[batch.length + 1] = n;
        int[] outShape = outputShape(batch, m, n, a.rank() == 1, b.rank() == 1);
        if (!epilogue.isIdentity() && a.dtype() != DType.FLOAT32) {
            throw new VinferException("MatMul with a fused " + epilogue + " needs float32 operands, got " + a);
        }
        Tensor y = ctx.output(0, a.dtype(), outShape);
        Tensor[] result = multiply(ctx, a, b, y, batchA, batchB, batch, m, n, k);
        if (!epilogue.isIdentity()) {
            Kernels.backend().biasEpilogue(y.floats(), y.offset(), y.size(), 0f, epilogue);
        }
        return result;
    }

    private Tensor[] multiply(OpContext ctx, Tensor a, Tensor b, Tensor y, int[] batchA, int[] batchB, int[] batch,
            int m, int n, int k) {
        int batches = Shapes.size(batch);
        if (a.dtype() == DType.FLOAT32) {
            float[] yd = y.floats();
            if (packedB != null && b == constB) {
                // Every batch of A times the same B: one tall GEMM over all rows.
                if (Shapes.size(batchA) == batches) {
                    Sgemm.get().multiplyPackedB(false, batches * m, a.floats(), a.offset(), k, packedB, yd,
                            y.offset(), n, false, ctx.parallel());
                    return ctx.result(y);
                }
            }
            int[] mapA = batchIndex(batchA, batch);
            int[] mapB = batchIndex(batchB, batch);
            for (int i = 0; i < batches; i++) {
                Sgemm.get().multiply(false, false, m, n, k, a.floats(), a.offset() + mapA[i] * m * k, k, b.floats(),
                        b.offset() + mapB[i] * k * n, n, yd, y.offset() + i * m * n, n, false, ctx.parallel());
            }
            return ctx.result(y);
        }
        // Other dtypes: the plain triple loop, accumulating in double (float64) or long (integers, wrapping).
        int[] mapA = batchIndex(batchA, batch);
        int[] mapB = batchIndex(batchB, batch);
        boolean fp = a.dtype().isFloatingPoint();
        for (int i = 0; i < batches; i++) {
            int ao = mapA[i] * m * k;
            int bo = mapB[i] * k * n;
            int yo = i * m * n;
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < n; c++) {
                    if (fp) {
                        double s = 0;
                        for (int t = 0; t < k; t++) {
                            s += a.getDouble(ao + r * k + t) * b.getDouble(bo + t * n + c);
                        }
                        y.setDouble(yo + r * n + c, s);
                    } else {
                        long s = 0;
                        for (int t = 0; t < k; t++) {
                            s += a.getLong(ao + r * k + t) * b.getLong(bo + t * n + c);
                        }
                        y.setLong(yo + r * n + c, s);
                    }
                }
            }
        }
        return ctx.result(y);
    }

    private static int[] outputShape(int[] batch, int m, int n, boolean aVector, boolean bVector) {
        int extra = (aVector ? 0 : 1) + (bVector ? 0 : 1);
        int[] out = Arrays.copyOf(batch, batch.length + extra);
        int i = batch.length;
        if (!aVector) {
            out[i++] = m;
        }
        if (!bVector) {
            out[i] = n;
        }
        return out;
    }

    /** For each output batch (row-major over {@code batch}), the batch index of an operand with {@code own}. */
    private static int[] batchIndex(int[] own, int[] batch) {
        return dev.vinfer.ops.util.Broadcast.indexMap(own, batch);
    }
}
