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
 * float GEMM in one pass when this input's max |a - za| times the largest column L1 norm of B stays within 2^24
 * (see {@link ExactBlocking}), else over row blocks of B exact for any input, the blocks added in int32; requantization per output column {@code n}: {@code sat(rint(act(acc * as*bs[n]/ys + bias[n]/ys)) + zy)}.
 */
public final class QMatMulOp implements Operator {
    private final QParams a;
    private final QParams y;
    private final int k;
    private final int n;
    private final float[] centered;
    private final PackedMatrix whole;
    /** Per row of B, per column: |b| (summed over row blocks it bounds each partial sum with max |a|). */
    private final long maxColumnL1;
    private volatile List<int[]> blockRanges;
    private volatile List<PackedMatrix> blocks;
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
        this.centered = new float[k * n];
        long[] colL1 = new long[n];
        boolean unsigned = b.dtype() == DType.UINT8;
        byte[] bb = b.bytes();
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < n; c++) {
                int i = r * n + c;
                int q = unsigned ? bb[b.offset() + i] & 0xFF : bb[b.offset() + i];
                int v = q - bZeros[bZeros.length == 1 ? 0 : c];
                centered[i] = v;
                colL1[c] += Math.abs(v);
            }
        }
        long maxCol = 0;
        for (long l : colL1) {
            maxCol = Math.max(maxCol, l);
        }
        this.maxColumnL1 = maxCol;
        this.whole = Sgemm.get().packB(false, k, n, centered, 0, n);
        this.mult = new float[n];
        this.add = new float[n];
        for (int c = 0; c < n; c++) {
            mult[c] = (float) ((double) alpha * a.scale() * bScales[bScales.length == 1 ? 0 : c] / y.scale());
            add[c] = bias == null ? 0f : (float) ((double) bias[c] / y.scale());
        }
        this.act = act.scaledBy(y.scale());
        this.fusedName = fusedName;
    }

    /** N, the number of output columns. */
    int columns() {
        return n;
    }

    /** Per column, {@code alpha * a_scale * b_scale[n] / y_scale}. */
    float[] multipliers() {
        return mult.clone();
    }

    /** Per column, {@code bias[n] / y_scale}. */
    float[] addends() {
        return add.clone();
    }

    @Override
    public String opType() {
        return fusedName;
    }

    @Override
    public String describe() {
        List<PackedMatrix> b = blocks;
        return "int8 " + a.dtype().displayName() + "->" + y.dtype().displayName() + ", K " + k
                + (b != null && b.size() > 1 ? ", " + b.size() + " exact blocks when needed" : "");
    }

    /**
     * Row blocks of B exact for any input: for every column, the L1 norm of the block's entries times the largest
     * possible |a - za| stays within 2^24.
     */
    private synchronized List<PackedMatrix> blocked() {
        if (blocks != null) {
            return blocks;
        }
        long limit = ExactBlocking.EXACT_LIMIT / Math.max(1, a.maxCentered());
        List<int[]> ranges = new ArrayList<>();
        long[] run = new long[n];
        int r0 = 0;
        for (int r = 0; r < k; r++) {
            boolean fits = true;
            for (int c = 0; c < n && fits; c++) {
                fits = run[c] + (long) Math.abs(centered[r * n + c]) <= limit;
            }
            if (!fits && r > r0) {
                ranges.add(new int[] {r0, r});
                r0 = r;
                java.util.Arrays.fill(run, 0);
            }
            for (int c = 0; c < n; c++) {
                run[c] += (long) Math.abs(centered[r * n + c]);
            }
        }
        ranges.add(new int[] {r0, k});
        List<PackedMatrix> packed = new ArrayList<>();
        for (int[] rg : ranges) {
            packed.add(Sgemm.get().packB(false, rg[1] - rg[0], n, centered, rg[0] * n, n));
        }
        blockRanges = List.copyOf(ranges);
        blocks = List.copyOf(packed);
        return blocks;
    }

    /** The int32 sums {@code sum (a - za) * b} as floats, [rows, N]; exact integers (see the class comment). */
    float[] accumulate(Tensor at, dev.vinfer.conv.Parallel par) {
        return accumulate(at, par, null, 0);
    }

    /** The exact int32 sums {@code sum (a - za) * b} into {@code dst} from {@code dstOff}, [rows, N]. */
    void accumulateInts(Tensor at, dev.vinfer.conv.Parallel par, int[] dst, int dstOff) {
        checkInput(at);
        accumulate(at, par, dst, dstOff);
    }

    /**
     * The sums as floats; when {@code ints} is given, also exactly into it (in the blocked case the float copy is
     * not made, as sums beyond 2^24 would not survive it).
     */
    private float[] accumulate(Tensor at, dev.vinfer.conv.Parallel par, int[] ints, int intsOff) {
        QuantKernels kern = QuantKernels.get();
        int rows = at.size() / k;
        float[] af = Scratch.floats(Scratch.INPUT, at.size());
        int maxA = kern.center(at.bytes(), at.offset(), a.unsigned(), a.zeroPoint(), af, 0, at.size());
        float[] acc = Scratch.floats(Scratch.ACCUMULATOR, rows * n);
        if ((long) maxA * maxColumnL1 <= ExactBlocking.EXACT_LIMIT) {
            Sgemm.get().multiplyPackedB(false, rows, af, 0, k, whole, acc, 0, n, false, par);
            if (ints != null) {
                java.util.Arrays.fill(ints, intsOff, intsOff + rows * n, 0);
                kern.addToInts(acc, 0, ints, intsOff, rows * n);
            }
        } else {
            List<PackedMatrix> packed = blocked();
            List<int[]> ranges = blockRanges;
            int[] sum = ints != null ? ints : new int[rows * n];
            int sumOff = ints != null ? intsOff : 0;
            java.util.Arrays.fill(sum, sumOff, sumOff + rows * n, 0);
            for (int bi = 0; bi < packed.size(); bi++) {
                Sgemm.get().multiplyPackedB(false, rows, af, ranges.get(bi)[0], k, packed.get(bi), acc, 0, n, false,
                        par);
                kern.addToInts(acc, 0, sum, sumOff, rows * n);
            }
            if (ints == null) {
                for (int i = 0; i < sum.length; i++) {
                    acc[i] = sum[i];
                }
            }
        }
        return acc;
    }

    /** The output shape for input {@code at}: [..., N]. */
    int[] outputShape(Tensor at) {
        checkInput(at);
        int[] outShape = at.shape();
        outShape[outShape.length - 1] = n;
        return outShape;
    }

    private void checkInput(Tensor at) {
        if (at.dtype() != a.dtype() || at.rank() < 1 || at.dim(-1) != k) {
            throw new VinferException(fusedName + " expects " + a.dtype().displayName() + " input [..., " + k
                    + "], got " + at);
        }
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor at = inputs[0];
        int rows = at.size() / k;
        int[] outShape = outputShape(at);
        Tensor yt = ctx.output(0, y.dtype(), outShape);
        QuantKernels kern = QuantKernels.get();
        float[] acc = accumulate(at, ctx.parallel());
        byte[] yb = yt.bytes();
        for (int r = 0; r < rows; r++) {
            kern.requantizeRow(acc, r * n, mult, add, act, y.zeroPoint(), y.qmin(), y.qmax(), yb,
                    yt.offset() + r * n, n);
        }
        return new Tensor[] {yt};
    }
}
