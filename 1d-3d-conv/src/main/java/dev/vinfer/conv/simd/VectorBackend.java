package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.MR;
import static dev.vinfer.conv.simd.MicroKernel.NR;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.GemmChecks;
import dev.vinfer.conv.PackedMatrix;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
     * Four vectors per step with their own accumulators (four independent FMA chains hide the FMA latency over the
     * k loop), then single vectors, the last one masked, so rows of any length need no scalar tail.
     */
    @Override
    public void combine(int outs, int ins, float[] coef, float[] src, int[] srcOff, float[] dst, int[] dstOff,
            int len, boolean accumulate) {
        GemmChecks.combine(outs, ins, coef, src, srcOff, dst, dstOff, len);
        FloatVector zero = FloatVector.zero(S);
        for (int o = 0; o < outs; o++) {
            int d = dstOff[o];
            int cb = o * ins;
            int i = 0;
            for (; i + 4 * L <= len; i += 4 * L) {
                FloatVector a0 = accumulate ? FloatVector.fromArray(S, dst, d + i) : zero;
                FloatVector a1 = accumulate ? FloatVector.fromArray(S, dst, d + i + L) : zero;
                FloatVector a2 = accumulate ? FloatVector.fromArray(S, dst, d + i + 2 * L) : zero;
                FloatVector a3 = accumulate ? FloatVector.fromArray(S, dst, d + i + 3 * L) : zero;
                for (int k = 0; k < ins; k++) {
                    float c = coef[cb + k];
                    if (c != 0f) {
                        FloatVector cv = FloatVector.broadcast(S, c);
                        int sk = srcOff[k] + i;
                        a0 = FloatVector.fromArray(S, src, sk).fma(cv, a0);
                        a1 = FloatVector.fromArray(S, src, sk + L).fma(cv, a1);
                        a2 = FloatVector.fromArray(S, src, sk + 2 * L).fma(cv, a2);
                        a3 = FloatVector.fromArray(S, src, sk + 3 * L).fma(cv, a3);
                    }
                }
                a0.intoArray(dst, d + i);
                a1.intoArray(dst, d + i + L);
                a2.intoArray(dst, d + i + 2 * L);
                a3.intoArray(dst, d + i + 3 * L);
            }
            for (; i < len; i += L) {
                VectorMask<Float> m = S.indexInRange(i, len);
                FloatVector a0 = accumulate ? FloatVector.fromArray(S, dst, d + i, m) : zero;
                for (int k = 0; k < ins; k++) {
                    float c = coef[cb + k];
                    if (c != 0f) {
                        a0 = FloatVector.fromArray(S, src, srcOff[k] + i, m).fma(FloatVector.broadcast(S, c), a0);
                    }
                }
                a0.intoArray(dst, d + i, m);
            }
        }
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
            default -> {
                // An activation without a vector form yet: the scalar loop below does the whole range.
            }
        }
        for (; i < len; i++) {
            x[off + i] = e.apply(x[off + i] + bias);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
