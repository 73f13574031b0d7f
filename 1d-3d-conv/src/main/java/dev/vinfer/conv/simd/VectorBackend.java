package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.MR;
import static dev.vinfer.conv.simd.MicroKernel.NR;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.BlockedDepthwiseChecks;
import dev.vinfer.conv.DepthWinogradChecks;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.GemmChecks;
import dev.vinfer.conv.InterleaveChecks;
import dev.vinfer.conv.PackedMatrix;
import dev.vinfer.conv.PanelGemm;
import dev.vinfer.conv.PoolChecks;
import dev.vinfer.conv.PoolReduction;
import dev.vinfer.conv.scalar.ScalarBackend;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

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

    /**
     * Per output row, the nonzero taps are taken in groups of up to four, evenly sized (9 taps: 3 + 3 + 3); each
     * group is one pass over the row with its coefficients broadcast once, outside the loop: the first pass writes
     * (or adds to dst when accumulating), later ones add. Per vector a pass does up to 4 FMAs for 1 + taps loads
     * and 1 store, with no per-tap bookkeeping inside the loop. The last few values of a row run in scalar code
     * (masked vector tails were not always compiled to masked instructions here and then fell back to the Vector
     * API's slow Java path).
     */
    @Override
    public void combine(int outs, int ins, float[] coef, float[] src, int[] srcOff, float[] dst, int[] dstOff,
            int len, boolean accumulate) {
        GemmChecks.combine(outs, ins, coef, src, srcOff, dst, dstOff, len);
        if (len == 0) {
            return;
        }
        for (int o = 0; o < outs; o++) {
            int cb = o * ins;
            int nonzero = 0;
            for (int k = 0; k < ins; k++) {
                if (coef[cb + k] != 0f) {
                    nonzero++;
                }
            }
            int d = dstOff[o];
            if (nonzero == 0) {
                if (!accumulate) {
                    java.util.Arrays.fill(dst, d, d + len, 0f);
                }
                continue;
            }
            int groups = Math.ceilDiv(nonzero, 4);
            boolean add = accumulate;
            int k = 0;
            int done = 0;
            for (int gi = 0; gi < groups; gi++) {
                int want = Math.min(4, Math.ceilDiv(nonzero - done, groups - gi)); // an even split of what is left
                done += want;
                // The group's taps in four locals, not an array: an int[4] per call escaped (about 1 MB per
                // ResNet-50 run in Winograd's transforms).
                int t0 = 0;
                int t1 = 0;
                int t2 = 0;
                int t3 = 0;
                int n = 0;
                while (n < want) {
                    if (coef[cb + k] != 0f) {
                        switch (n) {
                            case 0 -> t0 = k;
                            case 1 -> t1 = k;
                            case 2 -> t2 = k;
                            default -> t3 = k;
                        }
                        n++;
                    }
                    k++;
                }
                switch (n) {
                    case 1 -> pass1(coef[cb + t0], src, srcOff[t0], dst, d, len, add);
                    case 2 -> pass2(coef[cb + t0], srcOff[t0], coef[cb + t1], srcOff[t1], src, dst,
                            d, len, add);
                    case 3 -> pass3(coef[cb + t0], srcOff[t0], coef[cb + t1], srcOff[t1],
                            coef[cb + t2], srcOff[t2], src, dst, d, len, add);
                    default -> pass4(coef[cb + t0], srcOff[t0], coef[cb + t1], srcOff[t1],
                            coef[cb + t2], srcOff[t2], coef[cb + t3], srcOff[t3], src, dst, d, len,
                            add);
                }
                add = true;
            }
        }
    }

    private static void pass1(float c0, float[] src, int s0, float[] dst, int d, int len, boolean add) {
        FloatVector v0 = FloatVector.broadcast(S, c0);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector acc = add ? FloatVector.fromArray(S, dst, d + i) : FloatVector.zero(S);
            FloatVector.fromArray(S, src, s0 + i).fma(v0, acc).intoArray(dst, d + i);
        }
        for (; i < len; i++) {
            dst[d + i] = Math.fma(c0, src[s0 + i], add ? dst[d + i] : 0f);
        }
    }

    private static void pass2(float c0, int s0, float c1, int s1, float[] src, float[] dst, int d, int len,
            boolean add) {
        FloatVector v0 = FloatVector.broadcast(S, c0);
        FloatVector v1 = FloatVector.broadcast(S, c1);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector acc = add ? FloatVector.fromArray(S, dst, d + i) : FloatVector.zero(S);
            acc = FloatVector.fromArray(S, src, s0 + i).fma(v0, acc);
            FloatVector.fromArray(S, src, s1 + i).fma(v1, acc).intoArray(dst, d + i);
        }
        for (; i < len; i++) {
            float acc = Math.fma(c0, src[s0 + i], add ? dst[d + i] : 0f);
            dst[d + i] = Math.fma(c1, src[s1 + i], acc);
        }
    }

    private static void pass3(float c0, int s0, float c1, int s1, float c2, int s2, float[] src, float[] dst, int d,
            int len, boolean add) {
        FloatVector v0 = FloatVector.broadcast(S, c0);
        FloatVector v1 = FloatVector.broadcast(S, c1);
        FloatVector v2 = FloatVector.broadcast(S, c2);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector acc = add ? FloatVector.fromArray(S, dst, d + i) : FloatVector.zero(S);
            acc = FloatVector.fromArray(S, src, s0 + i).fma(v0, acc);
            acc = FloatVector.fromArray(S, src, s1 + i).fma(v1, acc);
            FloatVector.fromArray(S, src, s2 + i).fma(v2, acc).intoArray(dst, d + i);
        }
        for (; i < len; i++) {
            float acc = Math.fma(c0, src[s0 + i], add ? dst[d + i] : 0f);
            acc = Math.fma(c1, src[s1 + i], acc);
            dst[d + i] = Math.fma(c2, src[s2 + i], acc);
        }
    }

    private static void pass4(float c0, int s0, float c1, int s1, float c2, int s2, float c3, int s3, float[] src,
            float[] dst, int d, int len, boolean add) {
        FloatVector v0 = FloatVector.broadcast(S, c0);
        FloatVector v1 = FloatVector.broadcast(S, c1);
        FloatVector v2 = FloatVector.broadcast(S, c2);
        FloatVector v3 = FloatVector.broadcast(S, c3);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector acc = add ? FloatVector.fromArray(S, dst, d + i) : FloatVector.zero(S);
            // Two partial sums: a chain of two FMAs each instead of four.
            FloatVector p = FloatVector.fromArray(S, src, s0 + i).fma(v0, acc);
            FloatVector q = FloatVector.fromArray(S, src, s1 + i).mul(v1);
            p = FloatVector.fromArray(S, src, s2 + i).fma(v2, p);
            q = FloatVector.fromArray(S, src, s3 + i).fma(v3, q);
            p.add(q).intoArray(dst, d + i);
        }
        for (; i < len; i++) {
            float p = Math.fma(c0, src[s0 + i], add ? dst[d + i] : 0f);
            float q = c1 * src[s1 + i];
            p = Math.fma(c2, src[s2 + i], p);
            q = Math.fma(c3, src[s3 + i], q);
            dst[d + i] = p + q;
        }
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
    public void biasEpilogue(float[] x, int off, int len, float bias, Epilogue e) {
        Objects.checkFromIndexSize(off, len, x.length);
        if (e.isIdentity() && bias == 0f) {
            return;
        }
        FloatVector bv = FloatVector.broadcast(S, bias);
        int i = 0;
        int bound = S.loopBound(len);
        switch (e.kind()) {
            case NONE -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, off + i).add(bv).intoArray(x, off + i);
                }
            }
            case RELU -> {
                FloatVector zero = FloatVector.zero(S);
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, off + i).add(bv).max(zero).intoArray(x, off + i);
                }
            }
            case CLIP -> {
                FloatVector lo = FloatVector.broadcast(S, e.min());
                FloatVector hi = FloatVector.broadcast(S, e.max());
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, off + i).add(bv).max(lo).min(hi).intoArray(x, off + i);
                }
            }
            case LEAKY_RELU -> {
                FloatVector alpha = FloatVector.broadcast(S, e.alpha());
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, off + i).add(bv);
                    v.blend(v.mul(alpha), v.compare(VectorOperators.LT, 0f)).intoArray(x, off + i);
                }
            }
            case SIGMOID -> {
                FloatVector one = FloatVector.broadcast(S, 1f);
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, off + i).add(bv);
                    one.div(v.neg().lanewise(VectorOperators.EXP).add(one)).intoArray(x, off + i);
                }
            }
            case HARD_SIGMOID, HARD_SWISH -> {
                FloatVector alpha = FloatVector.broadcast(S, e.alpha());
                FloatVector beta = FloatVector.broadcast(S, e.beta());
                FloatVector zero = FloatVector.zero(S);
                FloatVector one = FloatVector.broadcast(S, 1f);
                boolean swish = e.kind() == Epilogue.Kind.HARD_SWISH;
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, off + i).add(bv);
                    FloatVector h = v.mul(alpha).add(beta).max(zero).min(one);
                    (swish ? v.mul(h) : h).intoArray(x, off + i);
                }
            }
        }
        for (; i < len; i++) {
            x[off + i] = e.apply(x[off + i] + bias);
        }
    }

    /**
     * One vector of outputs at a time, its taps summed in one dependent chain of FMAs; the chains of successive
     * vectors are independent, so out-of-order execution overlaps them. Nine taps (3x3) have their coefficients
     * broadcast once, outside the loop; other counts broadcast per tap.
     */
    @Override
    public void depthwiseTaps(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, float[] dst,
            int dOff, int len) {
        GemmChecks.depthwiseTaps(taps, coef, cOff, tapOff, src, sOff, dst, dOff, len);
        if (taps == 9) {
            DepthwiseTaps.taps9(coef, cOff, tapOff, src, sOff, dst, dOff, len);
        } else {
            DepthwiseTaps.anyTaps(taps, coef, cOff, tapOff, src, sOff, dst, dOff, len);
        }
    }

    @Override
    public void compactRows(float[] src, int sOff, int sPitch, int rows, int cols, float bias, Epilogue e,
            float[] dst, int dOff) {
        GemmChecks.compactRows(src, sOff, sPitch, rows, cols, dst, dOff);
        DepthwiseTaps.compactRows(src, sOff, sPitch, rows, cols, bias, e, dst, dOff);
        if (!DepthwiseTaps.clampKind(e)) {
            biasEpilogue(dst, dOff, rows * cols, 0f, e); // compactRows added only the bias
        }
    }

    @Override
    public void depthwiseRows(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int sPitch,
            int rows, int cols, float bias, Epilogue e, float[] dst, int dOff) {
        GemmChecks.depthwiseRows(taps, coef, cOff, tapOff, src, sOff, sPitch, rows, cols, dst, dOff);
        boolean fused = DepthwiseTaps.clampKind(e);
        float b = fused ? bias : 0f;
        Epilogue fe = fused ? e : Epilogue.NONE;
        if (taps == 9) {
            int paired = DepthwiseTaps.pairable(tapOff, sPitch, cols) ? rows & ~1 : 0;
            if (paired > 0) {
                DepthwiseTaps.rowPairs9(coef, cOff, tapOff, src, sOff, sPitch, paired, cols, b, fe, dst, dOff);
            }
            DepthwiseTaps.rows9(coef, cOff, tapOff, src, sOff + paired * sPitch, sPitch, rows - paired, cols, b, fe,
                    dst, dOff + paired * cols);
        } else {
            DepthwiseTaps.anyRows(taps, coef, cOff, tapOff, src, sOff, sPitch, rows, cols, b, fe, dst, dOff);
        }
        if (!fused) {
            biasEpilogue(dst, dOff, rows * cols, bias, e);
        }
    }

    @Override
    public void depthwise3x3Plane(float[] coef, int cOff, float[] src, int sOff, int rows, int cols, float bias,
            Epilogue e, float[] dst, int dOff) {
        GemmChecks.depthwise3x3Plane(coef, cOff, src, sOff, rows, cols, dst, dOff);
        if (rows == 0 || cols == 0 || cols < L && !DepthwiseFlat3x3.ENABLED) {
            ScalarBackend.depthwise3x3PlaneLoops(coef, cOff, src, sOff, rows, cols, bias, e, dst, dOff);
            return;
        }
        boolean fused = DepthwiseTaps.clampKind(e);
        boolean clamp = e.kind() != Epilogue.Kind.NONE;
        // NONE clamps to the infinities (the same instructions, no branch between vector values).
        float lo = !fused || !clamp ? Float.NEGATIVE_INFINITY : e.kind() == Epilogue.Kind.CLIP ? e.min() : 0f;
        float hi = fused && e.kind() == Epilogue.Kind.CLIP ? e.max() : Float.POSITIVE_INFINITY;
        if (cols < L) {
            // Rows narrower than a vector (14x14, 7x7): one flat run over the plane.
            DepthwiseFlat3x3.plane(coef, cOff, src, sOff, rows, cols, fused ? bias : 0f, lo, hi, dst, dOff);
        } else {
            DepthwiseSlide3x3.plane(coef, cOff, src, sOff, rows, cols, fused ? bias : 0f, lo, hi, dst, dOff);
        }
        if (!fused) {
            biasEpilogue(dst, dOff, rows * cols, bias, e);
        }
    }

    @Override
    public void depthwise3x3s2Plane(float[] coef, int cOff, float[] src, int sOff, int inRows, int inCols,
            int outRows, int outCols, float bias, Epilogue e, float[] dst, int dOff) {
        GemmChecks.depthwise3x3s2Plane(coef, cOff, src, sOff, inRows, inCols, outRows, outCols, dst, dOff);
        if (outCols < L || outRows == 0) {
            ScalarBackend.depthwise3x3s2PlaneLoops(coef, cOff, src, sOff, inCols, outRows, outCols, bias, e, dst,
                    dOff);
            return;
        }
        boolean fused = DepthwiseTaps.clampKind(e);
        boolean clamp = e.kind() != Epilogue.Kind.NONE;
        float lo = !fused || !clamp ? Float.NEGATIVE_INFINITY : e.kind() == Epilogue.Kind.CLIP ? e.min() : 0f;
        float hi = fused && e.kind() == Epilogue.Kind.CLIP ? e.max() : Float.POSITIVE_INFINITY;
        DepthwiseSlide3x3s2.plane(coef, cOff, src, sOff, inCols, outRows, outCols, fused ? bias : 0f, lo, hi, dst,
                dOff);
        if (!fused) {
            biasEpilogue(dst, dOff, outRows * outCols, bias, e);
        }
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
    public void packChannelBlock(int channels, float[] src, int sOff, int sPitch, int n, int[] map, float[] dst,
            int dOff) {
        BlockedDepthwiseChecks.pack(L, channels, src, sOff, sPitch, n, map, dst, dOff);
        ChannelBlockTranspose.pack(channels, src, sOff, sPitch, n, map, dst, dOff);
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
}
