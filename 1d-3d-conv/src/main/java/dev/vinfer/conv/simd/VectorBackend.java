package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.MR;
import static dev.vinfer.conv.simd.MicroKernel.NR;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.BlockedDepthwiseChecks;
import dev.vinfer.conv.ChannelLrn;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.DepthWinogradChecks;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.GemmChecks;
import dev.vinfer.conv.InterleaveChecks;
import dev.vinfer.conv.NchwcChecks;
import dev.vinfer.conv.NchwcMaxPool;
import dev.vinfer.conv.PackedMatrix;
import dev.vinfer.conv.PanelGemm;
import dev.vinfer.conv.PoolChecks;
import dev.vinfer.conv.PoolReduction;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;

/**
 * Kernels on the Vector API ({@code jdk.incubator.vector}), at the platform's preferred vector width. This is the
 * only package that touches the Vector API; {@code dev.vinfer.conv.Kernels} loads it reflectively so the library
 * still works, on the scalar kernels, when the module is not added to the JVM.
 */
public final class VectorBackend implements Backend {
    public static final VectorBackend INSTANCE = new VectorBackend();

    private VectorBackend() {
    }

    /** Float lanes per vector on this platform (8 with AVX2). */
    public static int lanes() {
        return L;
    }

    @Override
    public double measuredFmaGflops(long millis) {
        return FmaPeak.measure(millis);
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public boolean vectorized() {
        return true;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
            int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        GemmChecks.dims(m, n, k);
        GemmChecks.operand("A", transA, a, aOff, lda, m, k);
        GemmChecks.operand("B", transB, b, bOff, ldb, k, n);
        GemmChecks.matrix("C", c, cOff, ldc, m, n);
        VectorGemm.multiply(m, n, k, transA, a, aOff, lda, null, 0, transB, b, bOff, ldb, null, 0, c, cOff, ldc,
                accumulate);
    }

    @Override
    public PackedMatrix packA(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        GemmChecks.dims(m, 0, k);
        GemmChecks.operand("A", transA, a, aOff, lda, m, k);
        float[] data = VectorGemm.packWholeA(transA, m, k, a, aOff, lda);
        return new VectorPacked(this, PackedMatrix.Side.A, m, k, VectorPacking.roundUp(m, MR), data);
    }

    @Override
    public PackedMatrix packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        GemmChecks.dims(0, n, k);
        GemmChecks.operand("B", transB, b, bOff, ldb, k, n);
        float[] data = VectorGemm.packWholeB(transB, k, n, b, bOff, ldb);
        return new VectorPacked(this, PackedMatrix.Side.B, k, n, VectorPacking.roundUp(n, NR), data);
    }

    @Override
    public void gemmPackedA(PackedMatrix a, int rowBegin, int rowEnd, boolean transB, int n, float[] b, int bOff,
            int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        VectorPacked pa = GemmChecks.owned(a, this, PackedMatrix.Side.A, VectorPacked.class);
        GemmChecks.range(pa, rowBegin, rowEnd, pa.rows());
        int m = rowEnd - rowBegin;
        int k = pa.cols();
        GemmChecks.dims(m, n, k);
        GemmChecks.operand("B", transB, b, bOff, ldb, k, n);
        GemmChecks.matrix("C", c, cOff, ldc, m, n);
        VectorGemm.multiply(m, n, k, false, null, 0, 0, pa, rowBegin, transB, b, bOff, ldb, null, 0, c, cOff, ldc,
                accumulate);
    }

    @Override
    public void gemmPackedB(boolean transA, int m, float[] a, int aOff, int lda, PackedMatrix b, int colBegin,
            int colEnd, float[] c, int cOff, int ldc, boolean accumulate) {
        VectorPacked pb = GemmChecks.owned(b, this, PackedMatrix.Side.B, VectorPacked.class);
        GemmChecks.range(pb, colBegin, colEnd, pb.cols());
        int n = colEnd - colBegin;
        int k = pb.rows();
        GemmChecks.dims(m, n, k);
        GemmChecks.operand("A", transA, a, aOff, lda, m, k);
        GemmChecks.matrix("C", c, cOff, ldc, m, n);
        VectorGemm.multiply(m, n, k, transA, a, aOff, lda, null, 0, false, null, 0, 0, pb, colBegin, c, cOff, ldc,
                accumulate);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, int incX, float[] y, int yOff) {
        GemmChecks.axpy(n, x, xOff, incX, y, yOff);
        if (incX != 1) {
            // Strided reads have no cheap vector form here (a gather is slower than scalar loads on Zen 3).
            for (int i = 0; i < n; i++) {
                y[yOff + i] += alpha * x[xOff + i * incX];
            }
            return;
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, yOff + i);
            FloatVector.fromArray(S, x, xOff + i).fma(av, yv).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void combine(int outs, int ins, float[] coef, float[] src, int[] srcOff, float[] dst, int[] dstOff,
            int len, boolean accumulate) {
        GemmChecks.combine(outs, ins, coef, src, srcOff, dst, dstOff, len);
        VectorCombine.apply(outs, ins, coef, src, srcOff, dst, dstOff, len, accumulate);
    }

    @Override
    public void winogradF43(boolean input, float[] coef, float[] src, int[] srcOff, float[] dst, int[] dstOff,
            int len) {
        GemmChecks.combine(input ? 6 : 4, 6, coef, src, srcOff, dst, dstOff, len);
        if (input) {
            WinogradRows43.input(src, srcOff, dst, dstOff, len);
        } else {
            WinogradRows43.output(src, srcOff, dst, dstOff, len);
        }
    }

    @Override
    public void depthWinogradOutput(int outs, int t, float[] at, float[] src, int srcOff, int srcStride,
            float bias, float lo, float hi, float[] dst, int dOff, int dStride, int len) {
        DepthWinogradChecks.output(outs, t, at, src, srcOff, srcStride, dst, dOff, dStride, len);
        DepthWinogradRows.output(outs, t, at, src, srcOff, srcStride, bias, lo, hi, dst, dOff, dStride, len);
    }

    @Override
    public void deinterleave(int phases, int count, float[] src, int srcOff, float[] dst, int dstOff,
            int dstStride) {
        InterleaveChecks.check(phases, count, src, srcOff, dst, dstOff, dstStride);
        VectorInterleave.split(phases, count, src, srcOff, dst, dstOff, dstStride);
    }

    @Override
    public void deinterleaveClipped(int phases, int count, int slack, float[] src, int rowOff, int srcRowStep,
            int width, int x0, int rows, float[] dst, int dstOff, int dstStride, int dstRowStep) {
        InterleaveChecks.checkClipped(phases, count, slack, src, rowOff, srcRowStep, width, rows, dst, dstOff,
                dstStride, dstRowStep);
        VectorInterleave.splitClipped(phases, count, slack, src, rowOff, srcRowStep, width, x0, rows, dst, dstOff,
                dstStride, dstRowStep);
    }

    @Override
    public void interleaveEpilogue(int phases, int n, int slack, float[] src, int srcOff, int srcStride,
            int srcRowStep, int rows, float[] res, int resOff, float bias, Epilogue e, float[] dst, int dstOff,
            int dstRowStep) {
        InterleaveChecks.checkEpilogue(phases, n, slack, src, srcOff, srcStride, srcRowStep, rows, res, resOff, e, dst,
                dstOff, dstRowStep);
        VectorJoinEpilogue.joinEpilogue(phases, n, slack, src, srcOff, srcStride, srcRowStep, rows, res, resOff, bias,
                e, dst, dstOff, dstRowStep);
    }

    @Override
    public void interleave(int phases, int count, float[] src, int srcOff, int srcStride, float[] dst, int dstOff) {
        InterleaveChecks.check(phases, count, dst, dstOff, src, srcOff, srcStride);
        VectorInterleave.join(phases, count, src, srcOff, srcStride, dst, dstOff);
    }

    @Override
    public void dropSegmentEnds(int seg, int segs, float[] src, int srcOff, float[] dst, int dstOff) {
        InterleaveChecks.dropSegmentEnds(seg, segs, src, srcOff, dst, dstOff);
        VectorInterleave.dropSegmentEnds(seg, segs, src, srcOff, dst, dstOff);
    }

    @Override
    public void lrn(float[] x, int xOff, float[] y, int yOff, int channels, int inner, int c0, int c1, int before,
            int after, float scale, float bias, float beta) {
        ChannelLrn.check(x, xOff, y, yOff, channels, inner, c0, c1, before, after);
        VectorLrn.run(x, xOff, y, yOff, channels, inner, c0, c1, before, after, scale, bias, beta);
    }

    @Override
    public void nchwcScaleShift(float[] in, int inOff, float[] out, int outOff, int positions, float[] a, float[] b,
            int abOff, boolean relu) {
        NchwcChecks.scaleShift(in, inOff, out, outOff, positions, a, b, abOff);
        VectorScaleShift.apply(in, inOff, out, outOff, positions, a, b, abOff, relu);
    }

    @Override
    public void nchwcAverageRow(float[] in, int inOff, int rowStride, int kh, int kw, int stride, int cols,
            float[] out, int outOff) {
        NchwcChecks.averageRow(in, inOff, rowStride, kh, kw, stride, cols, out, outOff);
        VectorAverageRow.apply(in, inOff, rowStride, kh, kw, stride, cols, out, outOff);
    }

    @Override
    public void biasEpilogue(float[] x, int off, int len, float bias, Epilogue e) {
        VectorBiasEpilogue.apply(x, off, len, bias, e);
    }

    @Override
    public void depthwiseTaps(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, float[] dst,
            int dOff, int len) {
        GemmChecks.depthwiseTaps(taps, coef, cOff, tapOff, src, sOff, dst, dOff, len);
        VectorDepthwise.taps(taps, coef, cOff, tapOff, src, sOff, dst, dOff, len);
    }

    @Override
    public void compactRows(float[] src, int sOff, int sPitch, int rows, int cols, float bias, Epilogue e,
            float[] dst, int dOff) {
        GemmChecks.compactRows(src, sOff, sPitch, rows, cols, dst, dOff);
        VectorDepthwise.compactRows(src, sOff, sPitch, rows, cols, bias, e, dst, dOff);
    }

    @Override
    public void depthwiseRows(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int sPitch,
            int rows, int cols, float bias, Epilogue e, float[] dst, int dOff) {
        GemmChecks.depthwiseRows(taps, coef, cOff, tapOff, src, sOff, sPitch, rows, cols, dst, dOff);
        VectorDepthwise.rows(taps, coef, cOff, tapOff, src, sOff, sPitch, rows, cols, bias, e, dst, dOff);
    }

    @Override
    public void depthwise3x3Plane(float[] coef, int cOff, float[] src, int sOff, int rows, int cols, float bias,
            Epilogue e, float[] dst, int dOff) {
        GemmChecks.depthwise3x3Plane(coef, cOff, src, sOff, rows, cols, dst, dOff);
        VectorDepthwise.plane3x3(coef, cOff, src, sOff, rows, cols, bias, e, dst, dOff);
    }

    @Override
    public void depthwise3x3s2Plane(float[] coef, int cOff, float[] src, int sOff, int inRows, int inCols,
            int outRows, int outCols, float bias, Epilogue e, float[] dst, int dOff) {
        GemmChecks.depthwise3x3s2Plane(coef, cOff, src, sOff, inRows, inCols, outRows, outCols, dst, dOff);
        VectorDepthwise.plane3x3s2(coef, cOff, src, sOff, inCols, outRows, outCols, bias, e, dst, dOff);
    }

    @Override
    public void splitEvenOdd(float[] src, int sOff, int n, float[] even, int eOff, float[] odd, int oOff) {
        GemmChecks.splitEvenOdd(src, sOff, n, even, eOff, odd, oOff);
        DepthwiseTaps.splitEvenOdd(src, sOff, n, even, eOff, odd, oOff);
    }

    // ---- Channel-blocked depthwise kernel ----

    @Override
    public int depthwiseChannelBlock() {
        return L;
    }

    @Override
    public void packChannelBlock(int channels, float[] src, int sOff, int sPitch, int n, int[] map, int mapOff,
            float[] dst, int dOff) {
        BlockedDepthwiseChecks.pack(L, channels, src, sOff, sPitch, n, map, mapOff, dst, dOff);
        ChannelBlockTranspose.pack(channels, src, sOff, sPitch, n, map, mapOff, dst, dOff);
    }

    @Override
    public void blockBiasClamp(int n, float[] src, int sOff, float[] bias, int bOff, float[] res, int rOff, float lo,
            float hi, float[] dst, int dOff) {
        BlockedDepthwiseChecks.blockBiasClamp(L, n, src, sOff, bias, bOff, res, rOff, dst, dOff);
        BlockBiasClamp.rows(n, src, sOff, bias, bOff, res, rOff, lo, hi, dst, dOff);
    }

    @Override
    public void unpackChannelBlock(int channels, float[] src, int sOff, int n, float[] dst, int dOff, int dPitch) {
        BlockedDepthwiseChecks.unpack(L, channels, src, sOff, n, dst, dOff, dPitch);
        ChannelBlockTranspose.unpack(channels, src, sOff, n, dst, dOff, dPitch);
    }

    @Override
    public void depthwiseBlockedRow(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int step,
            int n, float[] bias, int bOff, float lo, float hi, float[] dst, int dOff) {
        BlockedDepthwiseChecks.row(L, taps, coef, cOff, tapOff, src, sOff, step, n, bias, bOff, dst, dOff);
        BlockedDepthwiseTaps.row(taps, coef, cOff, tapOff, src, sOff, step, n, bias, bOff, lo, hi, dst, dOff);
    }

    @Override
    public void transpose(float[] src, int sOff, int ldSrc, int rows, int cols, float[] dst, int dOff, int ldDst) {
        GemmChecks.matrix("src", src, sOff, ldSrc, rows, cols);
        GemmChecks.matrix("dst", dst, dOff, ldDst, cols, rows);
        VectorTranspose.transpose(src, sOff, ldSrc, rows, cols, dst, dOff, ldDst);
    }

    // ---- Pooling, reductions and the batch-1 fully-connected product ----

    @Override
    public void poolRows(PoolReduction op, float[] src, int sOff, int planes, int planeStep, int rows, int rowStep,
            int len, int phases, float[] dst, int dOff, int phasePitch, int count, int srcStep, int dstStep) {
        PoolChecks.rows(src, sOff, planes, planeStep, rows, rowStep, len, phases, dst, dOff, phasePitch, count,
                srcStep, dstStep);
        for (int c = 0; c < count; c++) {
            VectorPooling.rows(op, src, sOff + c * srcStep, planes, planeStep, rows, rowStep, len, phases, dst,
                    dOff + c * dstStep, phasePitch);
        }
    }

    @Override
    public void poolTaps(PoolReduction op, int taps, int[] tapOff, float[] src, int sOff, int sPitch, int rows,
            int cols, float[] dst, int dOff, int dPitch) {
        PoolChecks.taps(taps, tapOff, src, sOff, sPitch, rows, cols, dst, dOff, dPitch);
        VectorPooling.taps(op, taps, tapOff, src, sOff, sPitch, rows, cols, dst, dOff, dPitch);
    }

    @Override
    public void maxRuns(int k, float[] src, int sOff, int sPitch, int rows, int cols, float[] dst, int dOff,
            int dPitch) {
        dev.vinfer.conv.PoolChecks.maxRuns(k, src, sOff, sPitch, rows, cols, dst, dOff, dPitch);
        VectorPooling.maxRuns(k, src, sOff, sPitch, rows, cols, dst, dOff, dPitch);
    }

    @Override
    public void reduceRows(PoolReduction op, float[] src, int sOff, int rows, int len, float[] dst, int dOff) {
        PoolChecks.reduce(src, sOff, rows, len, dst, dOff);
        VectorPooling.reduce(op, src, sOff, rows, len, dst, dOff);
    }

    @Override
    public void averageRows(float[] src, int sOff, int rows, int len, float[] dst, int dOff) {
        PoolChecks.reduce(src, sOff, rows, len, dst, dOff);
        VectorPooling.average(src, sOff, rows, len, dst, dOff);
    }

    @Override
    public void maxPool3s2Rows(float[] src, int sOff, int rows, int rowStep, int count, boolean padFirst,
            float[] dst, int dOff) {
        PoolChecks.max3s2(src, sOff, rows, rowStep, count, padFirst, dst, dOff);
        VectorMaxPool3s2.rows(src, sOff, rows, rowStep, count, padFirst ? 1 : 0, dst, dOff);
    }

    @Override
    public void maxPool3s2Block(float[] src, int sOff, int rowStep, int sStep, int count, int n, boolean padFirst,
            float[] dst, int dOff, int dStep) {
        PoolChecks.max3s2Block(src, sOff, rowStep, sStep, count, n, padFirst, dst, dOff, dStep);
        VectorMaxPool3s2.block(src, sOff, rowStep, sStep, count, n, padFirst ? 1 : 0, dst, dOff, dStep);
    }

    @Override
    public boolean anyNaN(float[] a, int off, int len) {
        Objects.checkFromIndexSize(off, len, a.length);
        return VectorPooling.anyNaN(a, off, len);
    }

    @Override
    public void gemvPackedB(float[] x, int xOff, PackedMatrix b, int colBegin, int colEnd, float[] y, int yOff,
            boolean accumulate) {
        VectorPacked pb = PoolChecks.gemv(x, xOff, b, this, VectorPacked.class, colBegin, colEnd, y, yOff);
        VectorGemv.multiply(x, xOff, pb, colBegin, colEnd, y, yOff, accumulate);
    }

    @Override
    public String toString() {
        return name();
    }

    // ---- Pointwise convolution with a fused epilogue (PointwiseConv) ----

    @Override
    public boolean pointwiseFused(PackedMatrix a, int rowBegin, int rowEnd, int n, float[] b, int bOff, int ldb,
            float[] c, int cOff, int ldc, float[] bias, int biasOff, Epilogue e, float[] res, int resDelta) {
        if (!PointwiseKernel.fuses(e)) {
            return false;
        }
        VectorPacked pa = GemmChecks.owned(a, this, PackedMatrix.Side.A, VectorPacked.class);
        GemmChecks.range(pa, rowBegin, rowEnd, pa.rows());
        int m = rowEnd - rowBegin;
        int k = pa.cols();
        GemmChecks.dims(m, n, k);
        GemmChecks.operand("B", false, b, bOff, ldb, k, n);
        GemmChecks.matrix("C", c, cOff, ldc, m, n);
        if (res != null) {
            GemmChecks.matrix("residual", res, cOff + resDelta, ldc, m, n);
        }
        if (bias != null) {
            java.util.Objects.checkFromToIndex(biasOff + rowBegin, biasOff + rowEnd, bias.length);
        }
        if (m == 0 || n == 0) {
            return true;
        }
        if (ShallowPointwiseKernel.applies(m, k, n)) {
            // Few input and output channels on a big plane: B read in place, no packed strips.
            int kind = e.kind() == Epilogue.Kind.NONE ? 0 : e.kind() == Epilogue.Kind.RELU ? 1 : 2;
            ShallowPointwiseKernel.multiply(pa, rowBegin, rowEnd, n, b, bOff, ldb, c, cOff, ldc, bias, biasOff, res,
                    resDelta, kind, kind == 2 ? e.min() : 0f, kind == 2 ? e.max() : 0f);
            return true;
        }
        PointwiseKernel.multiply(pa, rowBegin, rowEnd, n, b, bOff, ldb, c, cOff, ldc, bias, biasOff, e, res, resDelta);
        return true;
    }

    // ---- Implicit im2col (ImplicitIm2colConv) ----

    @Override
    public PanelGemm panelGemm(int m, int k, float[] w, int wOff, float[] bias) {
        return new VectorPanelGemm(m, k, w, wOff, bias);
    }

    @Override
    public void linearRows(int outRows, int inRows, float[] coef, int cOff, float[] src, int sOff, int sStride,
            int len, float[] dst, int dOff, int dStride) {
        dev.vinfer.conv.LinearRowsChecks.check(outRows, inRows, coef, cOff, src, sOff, sStride, len, dst, dOff,
                dStride);
        VectorLinearRows.apply(outRows, inRows, coef, cOff, src, sOff, sStride, len, dst, dOff, dStride);
    }

    // ---- Few-input-channel direct kernel (StemDirectConv) ----

    @Override
    public dev.vinfer.conv.StemTiles stemTiles(int m, int k, float[] w, int wOff, float[] bias) {
        return new VectorStemTiles(m, k, w, wOff, bias);
    }

    // ---- Channels-last pixel-rows GEMM (ChannelsLastConv) ----

    @Override
    public dev.vinfer.conv.GatherGemm gatherGemm(int outputs, int channels, int taps, float[] w, int wOff) {
        return new VectorGatherGemm(outputs, channels, taps, w, wOff);
    }

    // ---- Winograd on small planes (SmallPlaneWinograd) ----

    /** 16 tiles with 16 lanes (AVX-512), else none: see {@link VectorTileGemm}. */
    @Override
    public int tileGemmMaxTiles() {
        return MicroKernel.L >= 16 ? VectorTileGemm.MAX_TILES : 0;
    }

    @Override
    public dev.vinfer.conv.TileGemm tileGemm(int positions, int rows, int depth, float[] transposed) {
        if (tileGemmMaxTiles() == 0) {
            throw new UnsupportedOperationException("no tile GEMM with " + MicroKernel.L + " lanes");
        }
        return new VectorTileGemm(positions, rows, depth, transposed);
    }

    /** Whole vectors by the Vector API's gather (which checks every index), the tail one value at a time. */
    @Override
    public void gather(float[] src, int sOff, int[] idx, int iOff, float[] dst, int dOff, int n) {
        Objects.checkFromIndexSize(iOff, n, idx.length);
        Objects.checkFromIndexSize(dOff, n, dst.length);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(S, src, sOff, idx, iOff + i).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            dst[dOff + i] = src[sOff + idx[iOff + i]];
        }
    }

    // ---- Channel-blocked (NCHWc) layout ----

    @Override
    public int nchwcPointwiseGroup(int c, int m, int pixels) {
        return NchwcPointwiseTiles.group(pixels);
    }

    @Override
    public void nchwcPointwise(int c, int pixels, int outChannels, int group, float[] w, int wOff, float[] bias,
            float[] x, int xOff, float[] res, int resDelta, float[] y, int yOff, int pxBegin, int pxEnd,
            int blockBegin, int blockEnd, float lo, float hi, boolean touchNext) {
        NchwcChecks.pointwise(c, pixels, outChannels, group, w, wOff, bias, x, xOff, res, resDelta, y, yOff, pxBegin,
                pxEnd, blockBegin, blockEnd);
        NchwcPointwiseTiles.run(c, pixels, outChannels, group, w, wOff, bias, x, xOff, res, resDelta, y, yOff,
                pxBegin, pxEnd, blockBegin, blockEnd, lo, hi, touchNext);
    }

    @Override
    public int nchwcDirectGroup(int c, int m) {
        return NchwcDirectTiles.group();
    }

    @Override
    public void nchwcDirect(ConvGeometry g, int rows, int cols, int group, float[] w, int wOff, float[] bias,
            float[] x, int xOff, float[] res, int resDelta, float[] y, int yOff, int rowBegin, int rowEnd,
            int blockBegin, int blockEnd, float lo, float hi) {
        NchwcChecks.direct(g, rows, cols, group, w, wOff, bias, x, xOff, res, resDelta, y, yOff, rowBegin, rowEnd,
                blockBegin, blockEnd);
        NchwcDirectTiles.run(g, rows, cols, group, w, wOff, bias, x, xOff, res, resDelta, y, yOff, rowBegin, rowEnd,
                blockBegin, blockEnd, lo, hi);
    }

    @Override
    public void nchwcStemRow(int depth, int outBlocks, float[] w, int wOff, float[] bias, float[] src, int srcOff,
            int[] tapOff, int outW, float[] y, int yOff, int plane, int blockBegin, int blockEnd, float lo, float hi) {
        NchwcStemTiles.row(depth, outBlocks, w, wOff, bias, src, srcOff, tapOff, outW, y, yOff, plane, blockBegin,
                blockEnd, lo, hi);
    }

    @Override
    public void nchwcWinogradInput(int t, int m, float[] bt, float[] x, int xOff, int cols, int tilesPerRow,
            int tile0, int tiles, float[] v, int vOff, int posStride, float[] tmp, int tmpOff) {
        NchwcWinogradTiles.input(t, m, bt, x, xOff, cols, tilesPerRow, tile0, tiles, v, vOff, posStride, tmp, tmpOff,
                NchwcWinogradTiles.inputForm(t, bt));
    }

    @Override
    public void nchwcStridedWinogradInput(int m, float[] bte, float[] x, int xOff, int cols, int tilesPerRow,
            int tile0, int tiles, float[] v, int vOff, int[] posOff, float[] tmp, int tmpOff) {
        NchwcChecks.stridedWinogradInput(m, bte, x, xOff, cols, tilesPerRow, tile0, tiles, v, vOff, posOff, tmp,
                tmpOff);
        if (!NchwcStridedWinogradTiles.form(m, bte, NchwcStridedWinogradTiles.outputFor(m))) {
            Backend.super.nchwcStridedWinogradInput(m, bte, x, xOff, cols, tilesPerRow, tile0, tiles, v, vOff, posOff,
                    tmp, tmpOff);
            return;
        }
        NchwcStridedWinogradTiles.input(m, x, xOff, cols, tilesPerRow, tile0, tiles, v, vOff, posOff, tmp, tmpOff);
    }

    @Override
    public void nchwcStridedWinogradOutput(int m, float[] ate, float[] o, int oOff, int[] posOff, int tilesPerRow,
            int tile0, int tiles, float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int oh,
            int ow, int lanes, float lo, float hi, float[] tmp, int tmpOff) {
        NchwcChecks.stridedWinogradOutput(m, ate, o, oOff, posOff, tilesPerRow, tile0, tiles, bias, bOff, res,
                resDelta, y, yOff, oh, ow, tmp, tmpOff);
        if (!NchwcStridedWinogradTiles.form(m, NchwcStridedWinogradTiles.inputFor(m), ate)) {
            Backend.super.nchwcStridedWinogradOutput(m, ate, o, oOff, posOff, tilesPerRow, tile0, tiles, bias, bOff,
                    res, resDelta, y, yOff, oh, ow, lanes, lo, hi, tmp, tmpOff);
            return;
        }
        NchwcStridedWinogradTiles.output(m, o, oOff, posOff, tilesPerRow, tile0, tiles, bias, bOff, res, resDelta, y,
                yOff, oh, ow, lanes, lo, hi, tmp, tmpOff);
    }

    @Override
    public void nchwcWinogradOutput(int t, int m, float[] at, float[] o, int oOff, int posStride, int tilesPerRow,
            int tile0, int tiles, float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int oh,
            int ow, int lanes, float lo, float hi, float[] tmp, int tmpOff) {
        NchwcWinogradTiles.output(t, m, at, o, oOff, posStride, tilesPerRow, tile0, tiles, bias, bOff, res, resDelta,
                y, yOff, oh, ow, lanes, lo, hi, tmp, tmpOff, NchwcWinogradTiles.outputForm(t, at));
    }

    @Override
    public void nchwcDepthwise(ConvGeometry g, float[] coef, int cOff, float[] bias, int bOff, int lanes,
            float[] src, int sOff, float[] dst, int dOff, int rowBegin, int rowEnd, float lo, float hi) {
        NchwcChecks.depthwise(g, coef, cOff, bias, bOff, lanes, src, sOff, dst, dOff, rowBegin, rowEnd);
        NchwcDepthwiseRows.plane(g, coef, cOff, bias, bOff, lanes, src, sOff, dst, dOff, rowBegin, rowEnd, lo, hi);
    }

    @Override
    public void nchwcMaxPool(NchwcMaxPool pool, int lanes, float[] src, int sOff, float[] dst, int dOff,
            int rowBegin, int rowEnd) {
        NchwcChecks.maxPool(pool, lanes, src, sOff, dst, dOff, rowBegin, rowEnd);
        NchwcMaxPoolRows.plane(pool, lanes, src, sOff, dst, dOff, rowBegin, rowEnd);
    }

    @Override
    public void nchwcAverage(int channels, int spatial, float[] src, int sOff, float[] dst, int dOff) {
        NchwcChecks.average(channels, spatial, src, sOff, dst, dOff);
        NchwcAverage.image(channels, spatial, src, sOff, dst, dOff);
    }

    /** Store offsets of a 16-position tile of NCHWc: position p's block at {@code 16 p}. */
    private static final int[] NCHWC_POSITIONS = java.util.stream.IntStream.range(0, 16).map(p -> 16 * p).toArray();

    @Override
    public void nchwcPack(int lanes, int spatial, float[] src, int sOff, float[] dst, int dOff) {
        if (L != 16 || spatial < 16) {
            Backend.super.nchwcPack(lanes, spatial, src, sOff, dst, dOff);
            return;
        }
        Objects.checkFromIndexSize(sOff, lanes * spatial, src.length);
        Objects.checkFromIndexSize(dOff, 16 * spatial, dst.length);
        // 16 x 16 transposes; the last tile overlaps the one before (the same values again); lanes past the last
        // channel repeat it in the transpose and are zeroed after.
        for (int p = 0; p < spatial; p += 16) {
            int q = Math.min(p, spatial - 16);
            ChannelBlockTranspose.pack16(src, sOff + q, spatial, lanes - 1, NCHWC_POSITIONS, 0, dst, dOff + q * 16);
        }
        if (lanes < 16) {
            for (int i = 0; i < spatial; i++) {
                java.util.Arrays.fill(dst, dOff + i * 16 + lanes, dOff + i * 16 + 16, 0f);
            }
        }
    }

    @Override
    public void nchwcUnpack(int lanes, int spatial, float[] src, int sOff, float[] dst, int dOff) {
        if (L != 16) {
            Backend.super.nchwcUnpack(lanes, spatial, src, sOff, dst, dOff);
            return;
        }
        Objects.checkFromIndexSize(sOff, 16 * spatial, src.length);
        Objects.checkFromIndexSize(dOff, lanes * spatial, dst.length);
        ChannelBlockTranspose.unpack(lanes, src, sOff, spatial, dst, dOff, spatial);
    }
}
