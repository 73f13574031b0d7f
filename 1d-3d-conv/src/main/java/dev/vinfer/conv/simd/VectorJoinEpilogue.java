package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.Epilogue;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * {@link dev.vinfer.conv.Backend#interleaveEpilogue}: Winograd's output phase rows joined straight into the output
 * rows with residual, bias and clamp (session 8), apart from {@link VectorInterleave}'s plain splits and joins whose
 * permute indexes it shares.
 */
final class VectorJoinEpilogue {
    private VectorJoinEpilogue() {
    }

    /**
     * {@link dev.vinfer.conv.Backend#interleaveEpilogue}; arguments checked by the caller. Stride 4 joins a block
     * of L tiles (four phase vectors, eight permutes, as {@link VectorInterleave#join}) into four output vectors, adds the residual
     * (masked loads), the bias, clamps to the epilogue's bounds (none: infinite ones, Relu: [0, inf), Clip) and
     * stores the lanes below n (plain stores for whole vectors, masked for the last); other strides, and blocks
     * whose accesses would reach past an array (see {@code VectorInterleave.splitClipped4}), go element by element.
     */
    static void joinEpilogue(int phases, int n, int slack, float[] src, int srcOff, int srcStride, int srcRowStep,
            int rows, float[] res, int resOff, float bias, Epilogue e, float[] dst, int dstOff, int dstRowStep) {
        float lo = e.kind() == Epilogue.Kind.NONE ? Float.NEGATIVE_INFINITY
                : e.kind() == Epilogue.Kind.RELU ? 0f : e.min();
        float hi = e.kind() == Epilogue.Kind.CLIP ? e.max() : Float.POSITIVE_INFINITY;
        for (int q = 0; q < rows; q++) {
            int so = srcOff + q * srcRowStep;
            int d = dstOff + q * dstRowStep;
            int k = phases == 4 && L >= 4
                    ? (res == null ? joinClamp4(n, slack, src, so, srcStride, bias, lo, hi, dst, d)
                            : joinResidualClamp4(n, slack, src, so, srcStride, res, resOff + q * dstRowStep, bias, lo,
                                    hi, dst, d))
                    : 0;
            for (; k < n; k++) {
                float v = src[so + k % phases * srcStride + k / phases];
                if (res != null) {
                    v += res[resOff + q * dstRowStep + k];
                }
                dst[d + k] = Math.min(Math.max(v + bias, lo), hi);
            }
        }
    }

    /** The vector part of {@link #joinEpilogue} without a residual; returns the first output left to scalar code. */
    private static int joinClamp4(int n, int slack, float[] src, int so, int srcStride, float bias, float lo, float hi,
            float[] dst, int d) {
        FloatVector bv = FloatVector.broadcast(S, bias);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        FloatVector pairs0 = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_JOIN2);
        FloatVector pairs1 = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_JOIN2 + L);
        FloatVector quads0 = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_JOIN4);
        FloatVector quads1 = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_JOIN4 + L);
        int j = 0;
        for (; 4 * j < n; j += L) {
            if (so + 3 * srcStride + j + L > src.length || d + 4 * (j + L) > dst.length) {
                break;
            }
            FloatVector p0 = FloatVector.fromArray(S, src, so + j);
            FloatVector p1 = FloatVector.fromArray(S, src, so + srcStride + j);
            FloatVector p2 = FloatVector.fromArray(S, src, so + 2 * srcStride + j);
            FloatVector p3 = FloatVector.fromArray(S, src, so + 3 * srcStride + j);
            // Output vectors q = 0..3 (outputs 4j + qL ...), written out: no vector phi, no helper.
            FloatVector x = pairs0.selectFrom(p0, p1);
            FloatVector y = pairs0.selectFrom(p2, p3);
            FloatVector o0 = quads0.selectFrom(x, y).add(bv).max(lov).min(hiv);
            FloatVector o1 = quads1.selectFrom(x, y).add(bv).max(lov).min(hiv);
            x = pairs1.selectFrom(p0, p1);
            y = pairs1.selectFrom(p2, p3);
            FloatVector o2 = quads0.selectFrom(x, y).add(bv).max(lov).min(hiv);
            FloatVector o3 = quads1.selectFrom(x, y).add(bv).max(lov).min(hiv);
            int k = 4 * j;
            // Whole vectors inside the row or its slack: plain stores (masked stores are slow on Zen 4). Both
            // bounds always (infinite where the epilogue has none): a max-only form measured no faster.
            if (k + 4 * L <= n + slack) {
                o0.intoArray(dst, d + k);
                o1.intoArray(dst, d + k + L);
                o2.intoArray(dst, d + k + 2 * L);
                o3.intoArray(dst, d + k + 3 * L);
            } else {
                o0.intoArray(dst, d + k, VectorMask.fromLong(S, VectorInterleave.lanes(k, n)));
                o1.intoArray(dst, d + k + L, VectorMask.fromLong(S, VectorInterleave.lanes(k + L, n)));
                o2.intoArray(dst, d + k + 2 * L, VectorMask.fromLong(S, VectorInterleave.lanes(k + 2 * L, n)));
                o3.intoArray(dst, d + k + 3 * L, VectorMask.fromLong(S, VectorInterleave.lanes(k + 3 * L, n)));
            }
        }
        return Math.min(4 * j, n);
    }

    /** {@link #joinClamp4} with the residual added before the bias. */
    private static int joinResidualClamp4(int n, int slack, float[] src, int so, int srcStride, float[] res, int ro,
            float bias, float lo, float hi, float[] dst, int d) {
        FloatVector bv = FloatVector.broadcast(S, bias);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        FloatVector pairs0 = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_JOIN2);
        FloatVector pairs1 = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_JOIN2 + L);
        FloatVector quads0 = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_JOIN4);
        FloatVector quads1 = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_JOIN4 + L);
        int j = 0;
        for (; 4 * j < n; j += L) {
            if (so + 3 * srcStride + j + L > src.length || d + 4 * (j + L) > dst.length
                    || ro + 4 * (j + L) > res.length) {
                break;
            }
            FloatVector p0 = FloatVector.fromArray(S, src, so + j);
            FloatVector p1 = FloatVector.fromArray(S, src, so + srcStride + j);
            FloatVector p2 = FloatVector.fromArray(S, src, so + 2 * srcStride + j);
            FloatVector p3 = FloatVector.fromArray(S, src, so + 3 * srcStride + j);
            FloatVector x = pairs0.selectFrom(p0, p1);
            FloatVector y = pairs0.selectFrom(p2, p3);
            FloatVector o0 = quads0.selectFrom(x, y);
            FloatVector o1 = quads1.selectFrom(x, y);
            x = pairs1.selectFrom(p0, p1);
            y = pairs1.selectFrom(p2, p3);
            FloatVector o2 = quads0.selectFrom(x, y);
            FloatVector o3 = quads1.selectFrom(x, y);
            int k = 4 * j;
            // The whole block's sequence in one branch or the other (no vector phi).
            if (k + 4 * L <= n + slack) {
                o0.add(FloatVector.fromArray(S, res, ro + k)).add(bv).max(lov).min(hiv).intoArray(dst, d + k);
                o1.add(FloatVector.fromArray(S, res, ro + k + L)).add(bv).max(lov).min(hiv)
                        .intoArray(dst, d + k + L);
                o2.add(FloatVector.fromArray(S, res, ro + k + 2 * L)).add(bv).max(lov).min(hiv)
                        .intoArray(dst, d + k + 2 * L);
                o3.add(FloatVector.fromArray(S, res, ro + k + 3 * L)).add(bv).max(lov).min(hiv)
                        .intoArray(dst, d + k + 3 * L);
            } else {
                VectorMask<Float> m0 = VectorMask.fromLong(S, VectorInterleave.lanes(k, n));
                VectorMask<Float> m1 = VectorMask.fromLong(S, VectorInterleave.lanes(k + L, n));
                VectorMask<Float> m2 = VectorMask.fromLong(S, VectorInterleave.lanes(k + 2 * L, n));
                VectorMask<Float> m3 = VectorMask.fromLong(S, VectorInterleave.lanes(k + 3 * L, n));
                o0.add(FloatVector.fromArray(S, res, ro + k, m0)).add(bv).max(lov).min(hiv).intoArray(dst, d + k, m0);
                o1.add(FloatVector.fromArray(S, res, ro + k + L, m1)).add(bv).max(lov).min(hiv)
                        .intoArray(dst, d + k + L, m1);
                o2.add(FloatVector.fromArray(S, res, ro + k + 2 * L, m2)).add(bv).max(lov).min(hiv)
                        .intoArray(dst, d + k + 2 * L, m2);
                o3.add(FloatVector.fromArray(S, res, ro + k + 3 * L, m3)).add(bv).max(lov).min(hiv)
                        .intoArray(dst, d + k + 3 * L, m3);
            }
        }
        return Math.min(4 * j, n);
    }
}
