package dev.vinfer.quantization.exec;

import dev.vinfer.conv.PackedMatrix;
import dev.vinfer.conv.Sgemm;
import dev.vinfer.quantization.simd.QuantKernels;
import dev.vinfer.quantization.simd.QuantKernels.Activation;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.ArrayList;
import java.util.List;

/**
 * A fused {@code DequantizeLinear -> MatMul/Gemm [-> activation] -> QuantizeLinear} chain with constant quantized
 * weights B [K, N]: quantized A [..., K] in, quantized [..., N] out. Products are exact integers summed by the
 * float GEMM over blocks of at most {@link ExactBlocking#maxTerms} rows of B (each block exact), the blocks added
 * in int32; requantization per output column {@code n}: {@code sat(rint(act(acc * as*bs[n]/ys + bias[n]/ys)) + zy)}.
 */
public final class QMatMulOp implements Operator {
    private final QParams a;
    private final QParams y;
    private final int k;
    private final int n;
    private final List<PackedMatrix> blocks = new ArrayList<>();
    private final int blockRows;
    private final float[] mult;
    private final float[] add;
    private final Activation act;
    private final String fusedName;

    /**
     * @param b        quantized B as [K, N] (already transposed for Gemm transB), int8 or uint8
     * @param bScales  1 or N scales
     * @param bZeros   1 or N zero points
     * @param bias     N float values (Gemm's beta * C) or null
     */
    public QMatMulOp(QParams a, Tensor b, float[] bScales, int[] bZeros, float[] bias, float alpha, Activation act,
            QParams y, String fusedName) {
        this.a = a;
        this.y = y;
        this.k = b.dim(0);
        this.n = b.dim(1);
        float[] centered = new float[k * n];
        int maxB = 0;
        boolean unsigned = b.dtype() == DType.UINT8;
        byte[] bb = b.bytes();
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < n; c++) {
                int i = r * n + c;
                int q = unsigned ? bb[b.offset() + i] & 0xFF : bb[b.offset() + i];
                int v = q - bZeros[bZeros.length == 1 ? 0 : c];
                centered[i] = v;
                maxB = Math.max(maxB, Math.abs(v));
            }
        }
        this.blockRows = Math.min(k, ExactBlocking.maxTerms(a.maxCentered(), maxB));
        for (int r0 = 0; r0 < k; r0 += blockRows) {
            int rows = Math.min(blockRows, k - r0);
            blocks.add(Sgemm.get().packB(false, rows, n, centered, r0 * n, n));
        }
        this.mult = new float[n];
        this.add = new float[n];
        for (int c = 0; c < n; c++) {
            mult[c] = (float) ((double) alpha * a.scale() * bScales[bScales.length == 1 ? 0 : c] / y.scale());
            add[c] = bias == null ? 0f : (float) ((double) bias[c] / y.scale());
        }
        this.act = act.scaledBy(y.scale());
        this.fusedName = fusedName;
    }

    @Override
    public String opType() {
        return fusedName;
    }

    @Override
    public String describe() {
        return "int8 " + a.dtype().displayName() + "->" + y.dtype().displayName() + ", K " + k
                + (blocks.size() > 1 ? " in " + blocks.size() + " exact blocks" : "");
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor at = inputs[0];
        if (at.dtype() != a.dtype() || at.rank() < 1 || at.dim(-1) != k) {
            throw new VinferException(fusedName + " expects " + a.dtype().displayName() + " input [..., " + k
                    + "], got " + at);
        }
        int rows = at.size() / k;
        int[] outShape = at.shape();
        outShape[outShape.length - 1] = n;
        Tensor yt = ctx.output(0, y.dtype(), outShape);
        QuantKernels kern = QuantKernels.get();
        float[] af = new float[at.size()];
        kern.center(at.bytes(), at.offset(), a.unsigned(), a.zeroPoint(), af, 0, af.length);
        float[] acc = new float[rows * n];
        if (blocks.size() == 1) {
            Sgemm.get().multiplyPackedB(false, rows, af, 0, k, blocks.get(0), acc, 0, n, false, ctx.parallel());
        } else {
            int[] sum = new int[acc.length];
            for (int bi = 0; bi < blocks.size(); bi++) {
                Sgemm.get().multiplyPackedB(false, rows, af, bi * blockRows, k, blocks.get(bi), acc, 0, n, false,
                        ctx.parallel());
                kern.addToInts(acc, 0, sum, 0, acc.length);
            }
            for (int i = 0; i < acc.length; i++) {
                acc[i] = sum[i];
            }
        }
        byte[] yb = yt.bytes();
        for (int r = 0; r < rows; r++) {
            kern.requantizeRow(acc, r * n, mult, add, act, y.zeroPoint(), y.qmin(), y.qmax(), yb,
                    yt.offset() + r * n, n);
        }
        return new Tensor[] {yt};
    }
}
