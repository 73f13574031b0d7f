package dev.vinfer.conv.scalar;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.BlockedDepthwiseChecks;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.NchwcChecks;
import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.GemmChecks;
import dev.vinfer.conv.InterleaveChecks;
import dev.vinfer.conv.PackedMatrix;
import dev.vinfer.conv.PoolChecks;
import dev.vinfer.conv.PoolReduction;
import java.util.Arrays;
import java.util.Objects;

/**
 * Plain-Java kernels: the fallback when the Vector API is absent or {@code vinfer.scalar=true}, and a second opinion
 * for the vector kernels in tests. The GEMM is the row-times-row ("i, p, j") loop, whose inner loop runs along
 * contiguous rows of B and C so the JIT can auto-vectorize it; no blocking beyond that.
 */
public final class ScalarBackend implements Backend {
    public static final ScalarBackend INSTANCE = new ScalarBackend();

    private ScalarBackend() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public boolean vectorized() {
        return false;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
            int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        GemmChecks.dims(m, n, k);
        GemmChecks.operand("A", transA, a, aOff, lda, m, k);
        GemmChecks.operand("B", transB, b, bOff, ldb, k, n);
        GemmChecks.matrix("C", c, cOff, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (transB) {
            // The inner loop wants B's rows contiguous; a transposed B is copied once into that form.
            float[] bt = ScalarPacking.copy(true, k, n, b, bOff, ldb);
            multiply(transA, m, n, k, a, aOff, lda, bt, 0, n, c, cOff, ldc, accumulate);
        } else {
            multiply(transA, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /** The product with B untransposed: for each row i of C, add {@code A[i][p] * row p of B} for every p. */
    static void multiply(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
            int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                Arrays.fill(c, ci, ci + n, 0f);
            }
            for (int p = 0; p < k; p++) {
                float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * b[bp + j];
                }
            }
        }
    }

    @Override
    public PackedMatrix packA(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        GemmChecks.dims(m, 0, k);
        GemmChecks.operand("A", transA, a, aOff, lda, m, k);
        return new ScalarPacking.Packed(this, PackedMatrix.Side.A, m, k, ScalarPacking.copy(transA, m, k, a, aOff,
                lda));
    }

    @Override
    public PackedMatrix packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        GemmChecks.dims(0, n, k);
        GemmChecks.operand("B", transB, b, bOff, ldb, k, n);
        return new ScalarPacking.Packed(this, PackedMatrix.Side.B, k, n, ScalarPacking.copy(transB, k, n, b, bOff,
                ldb));
    }

    @Override
    public void gemmPackedA(PackedMatrix a, int rowBegin, int rowEnd, boolean transB, int n, float[] b, int bOff,
            int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        ScalarPacking.Packed pa = GemmChecks.owned(a, this, PackedMatrix.Side.A, ScalarPacking.Packed.class);
        GemmChecks.range(pa, rowBegin, rowEnd, pa.rows());
        int k = pa.cols();
        gemm(false, transB, rowEnd - rowBegin, n, k, pa.data(), rowBegin * k, k, b, bOff, ldb, c, cOff, ldc,
                accumulate);
    }

    @Override
    public void gemmPackedB(boolean transA, int m, float[] a, int aOff, int lda, PackedMatrix b, int colBegin,
            int colEnd, float[] c, int cOff, int ldc, boolean accumulate) {
        ScalarPacking.Packed pb = GemmChecks.owned(b, this, PackedMatrix.Side.B, ScalarPacking.Packed.class);
        GemmChecks.range(pb, colBegin, colEnd, pb.cols());
        int n = pb.cols();
        gemm(transA, false, m, colEnd - colBegin, pb.rows(), a, aOff, lda, pb.data(), colBegin, n, c, cOff, ldc,
                accumulate);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, int incX, float[] y, int yOff) {
        GemmChecks.axpy(n, x, xOff, incX, y, yOff);
        if (incX == 1) {
            for (int i = 0; i < n; i++) {
                y[yOff + i] += alpha * x[xOff + i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                y[yOff + i] += alpha * x[xOff + i * incX];
            }
        }
    }

    @Override
    public void combine(int outs, int ins, float[] coef, float[] src, int[] srcOff, float[] dst, int[] dstOff,
            int len, boolean accumulate) {
        GemmChecks.combine(outs, ins, coef, src, srcOff, dst, dstOff, len);
        for (int o = 0; o < outs; o++) {
            int d = dstOff[o];
            if (!accumulate) {
                Arrays.fill(dst, d, d + len, 0f);
            }
            for (int k = 0; k < ins; k++) {
                float c = coef[o * ins + k];
                if (c != 0f) {
                    int sk = srcOff[k];
                    for (int i = 0; i < len; i++) {
                        dst[d + i] = Math.fma(c, src[sk + i], dst[d + i]);
                    }
                }
            }
        }
    }

    @Override
    public void deinterleave(int phases, int count, float[] src, int srcOff, float[] dst, int dstOff,
            int dstStride) {
        InterleaveChecks.check(phases, count, src, srcOff, dst, dstOff, dstStride);
        for (int p = 0; p < phases; p++) {
            for (int j = 0; j < count; j++) {
                dst[dstOff + p * dstStride + j] = src[srcOff + j * phases + p];
            }
        }
    }

    @Override
    public void deinterleaveClipped(int phases, int count, int slack, float[] src, int rowOff, int srcRowStep,
            int width, int x0, int rows, float[] dst, int dstOff, int dstStride, int dstRowStep) {
        InterleaveChecks.checkClipped(phases, count, slack, src, rowOff, srcRowStep, width, rows, dst, dstOff,
                dstStride, dstRowStep);
        for (int q = 0; q < rows; q++) {
            for (int p = 0; p < phases; p++) {
                for (int j = 0; j < count; j++) {
                    int x = x0 + j * phases + p;
                    dst[dstOff + q * dstRowStep + p * dstStride + j] = x >= 0 && x < width
                            ? src[rowOff + q * srcRowStep + x] : 0f;
                }
            }
        }
    }

    @Override
    public void interleaveEpilogue(int phases, int n, int slack, float[] src, int srcOff, int srcStride,
            int srcRowStep, int rows, float[] res, int resOff, float bias, Epilogue e, float[] dst, int dstOff,
            int dstRowStep) {
        InterleaveChecks.checkEpilogue(phases, n, slack, src, srcOff, srcStride, srcRowStep, rows, res, resOff, e, dst,
                dstOff, dstRowStep);
        for (int q = 0; q < rows; q++) {
            for (int k = 0; k < n; k++) {
                float v = src[srcOff + q * srcRowStep + k % phases * srcStride + k / phases];
                if (res != null) {
                    v += res[resOff + q * dstRowStep + k];
                }
                dst[dstOff + q * dstRowStep + k] = e.apply(v + bias);
            }
        }
    }

    @Override
    public void interleave(int phases, int count, float[] src, int srcOff, int srcStride, float[] dst, int dstOff) {
        InterleaveChecks.check(phases, count, dst, dstOff, src, srcOff, srcStride);
        for (int p = 0; p < phases; p++) {
            for (int j = 0; j < count; j++) {
                dst[dstOff + j * phases + p] = src[srcOff + p * srcStride + j];
            }
        }
    }

    @Override
    public void dropSegmentEnds(int seg, int segs, float[] src, int srcOff, float[] dst, int dstOff) {
        InterleaveChecks.dropSegmentEnds(seg, segs, src, srcOff, dst, dstOff);
        int d = dstOff;
        for (int s = 0; s < segs; s++) {
            int from = srcOff + s * seg;
            for (int j = 0; j < seg - 1; j++) {
                dst[d++] = src[from + j]; // forward: safe in place with dstOff <= srcOff
            }
        }
    }

    @Override
    public void nchwcScaleShift(float[] in, int inOff, float[] out, int outOff, int positions, float[] a, float[] b,
            int abOff, boolean relu) {
        NchwcChecks.scaleShift(in, inOff, out, outOff, positions, a, b, abOff);
        for (int p = 0; p < positions; p++) {
            int i0 = inOff + p * NchwcLayout.BLOCK;
            int o0 = outOff + p * NchwcLayout.BLOCK;
            for (int l = 0; l < NchwcLayout.BLOCK; l++) {
                float y = Math.fma(in[i0 + l], a[abOff + l], b[abOff + l]);
                out[o0 + l] = relu ? Math.max(y, 0f) : y;
            }
        }
    }

    @Override
    public void nchwcAverageRow(float[] in, int inOff, int rowStride, int kh, int kw, int stride, int cols,
            float[] out, int outOff) {
        NchwcChecks.averageRow(in, inOff, rowStride, kh, kw, stride, cols, out, outOff);
        float count = kh * kw;
        for (int j = 0; j < cols; j++) {
            int base = inOff + j * stride * NchwcLayout.BLOCK;
            for (int l = 0; l < NchwcLayout.BLOCK; l++) {
                float sum = in[base + l];
                for (int r = 0; r < kh; r++) {
                    for (int c = r == 0 ? 1 : 0; c < kw; c++) {
                        sum += in[base + r * rowStride + c * NchwcLayout.BLOCK + l];
                    }
                }
                out[outOff + j * NchwcLayout.BLOCK + l] = sum / count;
            }
        }
    }

    @Override
    public void biasEpilogue(float[] x, int off, int len, float bias, Epilogue e) {
        Objects.checkFromIndexSize(off, len, x.length);
        int end = off + len;
        switch (e.kind()) {
            case NONE -> {
                if (bias != 0f) {
                    for (int i = off; i < end; i++) {
                        x[i] += bias;
                    }
                }
            }
            case RELU -> {
                for (int i = off; i < end; i++) {
                    x[i] = Math.max(x[i] + bias, 0f);
                }
            }
            default -> {
                for (int i = off; i < end; i++) {
                    x[i] = e.apply(x[i] + bias);
                }
            }
        }
    }

    @Override
    public void depthwiseTaps(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, float[] dst,
            int dOff, int len) {
        GemmChecks.depthwiseTaps(taps, coef, cOff, tapOff, src, sOff, dst, dOff, len);
        Arrays.fill(dst, dOff, dOff + len, 0f);
        for (int t = 0; t < taps; t++) {
            float c = coef[cOff + t];
            int s = sOff + tapOff[t];
            for (int i = 0; i < len; i++) {
                dst[dOff + i] = Math.fma(c, src[s + i], dst[dOff + i]);
            }
        }
    }

    @Override
    public void compactRows(float[] src, int sOff, int sPitch, int rows, int cols, float bias, Epilogue e,
            float[] dst, int dOff) {
        GemmChecks.compactRows(src, sOff, sPitch, rows, cols, dst, dOff);
        for (int r = 0; r < rows; r++) {
            int s = sOff + r * sPitch;
            int d = dOff + r * cols;
            for (int c = 0; c < cols; c++) {
                dst[d + c] = e.apply(src[s + c] + bias);
            }
        }
    }

    @Override
    public void depthwiseRows(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int sPitch,
            int rows, int cols, float bias, Epilogue e, float[] dst, int dOff) {
        GemmChecks.depthwiseRows(taps, coef, cOff, tapOff, src, sOff, sPitch, rows, cols, dst, dOff);
        for (int r = 0; r < rows; r++) {
            int d = dOff + r * cols;
            Arrays.fill(dst, d, d + cols, 0f);
            for (int t = 0; t < taps; t++) {
                float c = coef[cOff + t];
                int s = sOff + r * sPitch + tapOff[t];
                for (int i = 0; i < cols; i++) {
                    dst[d + i] = Math.fma(c, src[s + i], dst[d + i]);
                }
            }
            for (int i = 0; i < cols; i++) {
                dst[d + i] = e.apply(dst[d + i] + bias);
            }
        }
    }

    @Override
    public void depthwise3x3Plane(float[] coef, int cOff, float[] src, int sOff, int rows, int cols, float bias,
            Epilogue e, float[] dst, int dOff) {
        GemmChecks.depthwise3x3Plane(coef, cOff, src, sOff, rows, cols, dst, dOff);
        depthwise3x3PlaneLoops(coef, cOff, src, sOff, rows, cols, bias, e, dst, dOff);
    }

    /** The plain loops of {@link #depthwise3x3Plane} (arguments checked by the caller); also the vector backend's
     * path for planes narrower than a vector. */
    public static void depthwise3x3PlaneLoops(float[] coef, int cOff, float[] src, int sOff, int rows, int cols,
            float bias, Epilogue e, float[] dst, int dOff) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float sum = 0f;
                for (int kh = 0; kh < 3; kh++) {
                    int i = r + kh - 1;
                    if (i < 0 || i >= rows) {
                        continue;
                    }
                    for (int kw = 0; kw < 3; kw++) {
                        int j = c + kw - 1;
                        if (j >= 0 && j < cols) {
                            sum = Math.fma(coef[cOff + 3 * kh + kw], src[sOff + i * cols + j], sum);
                        }
                    }
                }
                dst[dOff + r * cols + c] = e.apply(sum + bias);
            }
        }
    }

    @Override
    public void depthwise3x3s2Plane(float[] coef, int cOff, float[] src, int sOff, int inRows, int inCols,
            int outRows, int outCols, float bias, Epilogue e, float[] dst, int dOff) {
        GemmChecks.depthwise3x3s2Plane(coef, cOff, src, sOff, inRows, inCols, outRows, outCols, dst, dOff);
        depthwise3x3s2PlaneLoops(coef, cOff, src, sOff, inCols, outRows, outCols, bias, e, dst, dOff);
    }

    /** The plain loops of {@link #depthwise3x3s2Plane} (arguments checked by the caller); also the vector
     * backend's path for output rows narrower than a vector. */
    public static void depthwise3x3s2PlaneLoops(float[] coef, int cOff, float[] src, int sOff, int inCols,
            int outRows, int outCols, float bias, Epilogue e, float[] dst, int dOff) {
        for (int r = 0; r < outRows; r++) {
            for (int c = 0; c < outCols; c++) {
                float sum = 0f;
                for (int kh = 0; kh < 3; kh++) {
                    int i = 2 * r + kh - 1;
                    if (i < 0) {
                        continue;
                    }
                    for (int kw = 0; kw < 3; kw++) {
                        int j = 2 * c + kw - 1;
                        if (j >= 0) {
                            sum = Math.fma(coef[cOff + 3 * kh + kw], src[sOff + i * inCols + j], sum);
                        }
                    }
                }
                dst[dOff + r * outCols + c] = e.apply(sum + bias);
            }
        }
    }

    @Override
    public void splitEvenOdd(float[] src, int sOff, int n, float[] even, int eOff, float[] odd, int oOff) {
        GemmChecks.splitEvenOdd(src, sOff, n, even, eOff, odd, oOff);
        for (int j = 0; 2 * j < n; j++) {
            even[eOff + j] = src[sOff + 2 * j];
        }
        for (int j = 0; 2 * j + 1 < n; j++) {
            odd[oOff + j] = src[sOff + 2 * j + 1];
        }
    }

    // ---- Channel-blocked depthwise kernel: the loops of the Backend contract as written. ----

    /** Channels per block here: 8, so the scalar path also crosses block edges on small test layers. */
    private static final int CHANNEL_BLOCK = 8;

    @Override
    public int depthwiseChannelBlock() {
        return CHANNEL_BLOCK;
    }

    @Override
    public void packChannelBlock(int channels, float[] src, int sOff, int sPitch, int n, int[] map, int mapOff,
            float[] dst, int dOff) {
        BlockedDepthwiseChecks.pack(CHANNEL_BLOCK, channels, src, sOff, sPitch, n, map, mapOff, dst, dOff);
        for (int p = 0; p < n; p++) {
            for (int c = 0; c < CHANNEL_BLOCK; c++) {
                dst[dOff + map[mapOff + p] + c] = src[sOff + Math.min(c, channels - 1) * sPitch + p];
            }
        }
    }

    @Override
    public void blockBiasClamp(int n, float[] src, int sOff, float[] bias, int bOff, float[] res, int rOff, float lo,
            float hi, float[] dst, int dOff) {
        BlockedDepthwiseChecks.blockBiasClamp(CHANNEL_BLOCK, n, src, sOff, bias, bOff, res, rOff, dst, dOff);
        for (int q = 0; q < n; q++) {
            for (int c = 0; c < CHANNEL_BLOCK; c++) {
                float v = src[sOff + q * CHANNEL_BLOCK + c] + bias[bOff + c];
                if (res != null) {
                    v += res[rOff + q * 16 + c];
                }
                dst[dOff + q * 16 + c] = Math.min(Math.max(v, lo), hi);
            }
        }
    }

    @Override
    public void unpackChannelBlock(int channels, float[] src, int sOff, int n, float[] dst, int dOff, int dPitch) {
        BlockedDepthwiseChecks.unpack(CHANNEL_BLOCK, channels, src, sOff, n, dst, dOff, dPitch);
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < n; p++) {
                dst[dOff + c * dPitch + p] = src[sOff + p * CHANNEL_BLOCK + c];
            }
        }
    }

    @Override
    public void depthwiseBlockedRow(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int step,
            int n, float[] bias, int bOff, float lo, float hi, float[] dst, int dOff) {
        BlockedDepthwiseChecks.row(CHANNEL_BLOCK, taps, coef, cOff, tapOff, src, sOff, step, n, bias, bOff, dst, dOff);
        for (int j = 0; j < n; j++) {
            for (int c = 0; c < CHANNEL_BLOCK; c++) {
                float sum = bias[bOff + c];
                for (int t = 0; t < taps; t++) {
                    sum = Math.fma(coef[cOff + t * CHANNEL_BLOCK + c], src[sOff + j * step + tapOff[t] + c], sum);
                }
                dst[dOff + j * CHANNEL_BLOCK + c] = Math.min(Math.max(sum, lo), hi);
            }
        }
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public void transpose(float[] src, int sOff, int ldSrc, int rows, int cols, float[] dst, int dOff, int ldDst) {
        GemmChecks.matrix("src", src, sOff, ldSrc, rows, cols);
        GemmChecks.matrix("dst", dst, dOff, ldDst, cols, rows);
        for (int j = 0; j < cols; j++) {
            int d = dOff + j * ldDst;
            for (int i = 0; i < rows; i++) {
                dst[d + i] = src[sOff + i * ldSrc + j];
            }
        }
    }

    // ---- Pooling, reductions and the batch-1 fully-connected product ----

    @Override
    public void poolRows(PoolReduction op, float[] src, int sOff, int planes, int planeStep, int rows, int rowStep,
            int len, int phases, float[] dst, int dOff, int phasePitch, int count, int srcStep, int dstStep) {
        PoolChecks.rows(src, sOff, planes, planeStep, rows, rowStep, len, phases, dst, dOff, phasePitch, count,
                srcStep, dstStep);
        for (int c = 0; c < count; c++) {
            ScalarPooling.rows(op, src, sOff + c * srcStep, planes, planeStep, rows, rowStep, len, phases, dst,
                    dOff + c * dstStep, phasePitch);
        }
    }

    @Override
    public void poolTaps(PoolReduction op, int taps, int[] tapOff, float[] src, int sOff, int sPitch, int rows,
            int cols, float[] dst, int dOff, int dPitch) {
        PoolChecks.taps(taps, tapOff, src, sOff, sPitch, rows, cols, dst, dOff, dPitch);
        ScalarPooling.taps(op, taps, tapOff, src, sOff, sPitch, rows, cols, dst, dOff, dPitch);
    }

    @Override
    public void reduceRows(PoolReduction op, float[] src, int sOff, int rows, int len, float[] dst, int dOff) {
        PoolChecks.reduce(src, sOff, rows, len, dst, dOff);
        ScalarPooling.reduce(op, src, sOff, rows, len, dst, dOff);
    }

    @Override
    public boolean anyNaN(float[] a, int off, int len) {
        Objects.checkFromIndexSize(off, len, a.length);
        return ScalarPooling.anyNaN(a, off, len);
    }

    /** The row-times-matrix loop of {@link #gemm} with one row: axpy passes over B's contiguous rows. */
    @Override
    public void gemvPackedB(float[] x, int xOff, PackedMatrix b, int colBegin, int colEnd, float[] y, int yOff,
            boolean accumulate) {
        ScalarPacking.Packed pb = PoolChecks.gemv(x, xOff, b, this, ScalarPacking.Packed.class, colBegin, colEnd, y,
                yOff);
        int n = colEnd - colBegin;
        multiply(false, 1, n, pb.rows(), x, xOff, pb.rows(), pb.data(), colBegin, pb.cols(), y, yOff, n,
                accumulate);
    }

    @Override
    public void linearRows(int outRows, int inRows, float[] coef, int cOff, float[] src, int sOff, int sStride,
            int len, float[] dst, int dOff, int dStride) {
        dev.vinfer.conv.LinearRowsChecks.check(outRows, inRows, coef, cOff, src, sOff, sStride, len, dst, dOff,
                dStride);
        for (int j = 0; j < outRows; j++) {
            int d = dOff + j * dStride;
            for (int c = 0; c < len; c++) {
                float acc = coef[cOff + j * inRows] * src[sOff + c];
                for (int k = 1; k < inRows; k++) {
                    acc = Math.fma(coef[cOff + j * inRows + k], src[sOff + k * sStride + c], acc);
                }
                dst[d + c] = acc;
            }
        }
    }
}
