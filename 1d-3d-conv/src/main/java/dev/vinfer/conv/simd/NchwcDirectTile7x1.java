package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.ConvGeometry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The register tile of {@link NchwcDirectTiles} for a group's odd last output vector: seven pixels along an output
 * row x one vector (7 accumulators), the same loops, touches ({@link TouchAhead}), residual, bias and clamp as the
 * 7 x 2 tile there. A file of its own only to keep that one readable.
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcDirectTile7x1 {
    private static final int BLOCK = 16;

    private NchwcDirectTile7x1() {
    }

    /** See the class comment; the arguments as {@code NchwcDirectTiles.tile2}'s. */
    static void tile(ConvGeometry g, int rows, int rowFloats, int pc, int kb0, int kb1, float[] w,
            int wOff, int ld, float[] x, int xOff, int n, int skip, float[] bias, int bOff, float[] res, int resDelta,
            float[] y, int yOff, boolean clamp, float lo, float hi, int tp, int ts) {
        int c = g.inChannels();
        int kh = g.kernel(0);
        int kw = g.kernel(1);
        int dy = g.dilation(0) * rowFloats;
        int dw = g.dilation(1);
        int sw = g.stride(1);
        int blockFloats = rows * rowFloats;
        int kEnd = Math.min(c, kb1 * BLOCK);
        int ldc = L >= 16 ? L : ld;
        int q1 = Math.min(1, n - 1) * BLOCK;
        int q2 = Math.min(2, n - 1) * BLOCK;
        int q3 = Math.min(3, n - 1) * BLOCK;
        int q4 = Math.min(4, n - 1) * BLOCK;
        int q5 = Math.min(5, n - 1) * BLOCK;
        int q6 = Math.min(6, n - 1) * BLOCK;
        boolean more = kb0 > 0;
        float[] from = more ? y : NchwcDirectTiles.ZEROS;
        int i0 = more ? yOff : 0;
        int z = more ? 1 : 0;
        FloatVector a0 = FloatVector.fromArray(S, from, i0);
        FloatVector a1 = FloatVector.fromArray(S, from, i0 + z * q1);
        FloatVector a2 = FloatVector.fromArray(S, from, i0 + z * q2);
        FloatVector a3 = FloatVector.fromArray(S, from, i0 + z * q3);
        FloatVector a4 = FloatVector.fromArray(S, from, i0 + z * q4);
        FloatVector a5 = FloatVector.fromArray(S, from, i0 + z * q5);
        FloatVector a6 = FloatVector.fromArray(S, from, i0 + z * q6);
        float touched = 0;
        if (n == NchwcDirectTiles.R) {
            // A whole tile: pixel offsets as constants (clamped ones tie up integer registers in the loop).
            int wi = wOff + kb0 * BLOCK * kh * kw * ld;
            for (int k0 = kb0 * BLOCK; k0 < kEnd; k0 += BLOCK) {
                // Per block of 16 input channels and tap, a loop of (at most) 16 the same for every layer: the
                // compiled loop then does not depend on which layer's channel count the JIT profiled first.
                int kn = Math.min(BLOCK, c - k0);
                int xb = xOff + (k0 >> 4) * blockFloats;
                // One run of kw * 16 steps per kernel row where the taps are consecutive (see tile2).
                int run = sw == 1 && dw == 1 && kn == BLOCK ? kw * BLOCK : kn;
                int kxTrips = run == kn ? kw : 1;
                for (int ky = 0; ky < kh; ky++) {
                    int xr = xb + ky * dy;
                    for (int kx = 0; kx < kxTrips; kx++) {
                        int u = kx * dw;
                        int xt = xr + (u % sw * pc + u / sw) * BLOCK;
                        for (int kk = 0; kk < run; kk++) {
                            int wk = wi + kk * ldc;
                            FloatVector w0 = FloatVector.fromArray(S, w, wk);
                            int xi = xt + kk;
                            touched += w[tp];
                            tp += ts;
                            a0 = FloatVector.broadcast(S, x[xi]).fma(w0, a0);
                            a1 = FloatVector.broadcast(S, x[xi + 16]).fma(w0, a1);
                            a2 = FloatVector.broadcast(S, x[xi + 32]).fma(w0, a2);
                            a3 = FloatVector.broadcast(S, x[xi + 48]).fma(w0, a3);
                            a4 = FloatVector.broadcast(S, x[xi + 64]).fma(w0, a4);
                            a5 = FloatVector.broadcast(S, x[xi + 80]).fma(w0, a5);
                            a6 = FloatVector.broadcast(S, x[xi + 96]).fma(w0, a6);
                        }
                        wi += run * ldc;
                    }
                }
            }
        } else {
            int wi = wOff + kb0 * BLOCK * kh * kw * ld;
            for (int k0 = kb0 * BLOCK; k0 < kEnd; k0 += BLOCK) {
                // Per block of 16 input channels and tap, a loop of (at most) 16 the same for every layer: the
                // compiled loop then does not depend on which layer's channel count the JIT profiled first.
                int kn = Math.min(BLOCK, c - k0);
                int xb = xOff + (k0 >> 4) * blockFloats;
                for (int ky = 0; ky < kh; ky++) {
                    int xr = xb + ky * dy;
                    for (int kx = 0; kx < kw; kx++) {
                        int u = kx * dw;
                        int xt = xr + (u % sw * pc + u / sw) * BLOCK;
                        for (int kk = 0; kk < kn; kk++) {
                            int wk = wi + kk * ldc;
                            FloatVector w0 = FloatVector.fromArray(S, w, wk);
                            int xi = xt + kk;
                            touched += w[tp];
                            tp += ts;
                            a0 = FloatVector.broadcast(S, x[xi]).fma(w0, a0);
                            a1 = FloatVector.broadcast(S, x[xi + q1]).fma(w0, a1);
                            a2 = FloatVector.broadcast(S, x[xi + q2]).fma(w0, a2);
                            a3 = FloatVector.broadcast(S, x[xi + q3]).fma(w0, a3);
                            a4 = FloatVector.broadcast(S, x[xi + q4]).fma(w0, a4);
                            a5 = FloatVector.broadcast(S, x[xi + q5]).fma(w0, a5);
                            a6 = FloatVector.broadcast(S, x[xi + q6]).fma(w0, a6);
                        }
                        wi += kn * ldc;
                    }
                }
            }
        }
        TouchAhead.keep(touched);
        int o0 = yOff;
        boolean last = kEnd == c;
        boolean withRes = last && res != null;
        float[] rs = withRes ? res : NchwcDirectTiles.ZEROS;
        int r0 = withRes ? o0 + resDelta : 0;
        int zr = withRes ? 1 : 0;
        a0 = a0.add(FloatVector.fromArray(S, rs, r0));
        a1 = a1.add(FloatVector.fromArray(S, rs, r0 + zr * q1));
        a2 = a2.add(FloatVector.fromArray(S, rs, r0 + zr * q2));
        a3 = a3.add(FloatVector.fromArray(S, rs, r0 + zr * q3));
        a4 = a4.add(FloatVector.fromArray(S, rs, r0 + zr * q4));
        a5 = a5.add(FloatVector.fromArray(S, rs, r0 + zr * q5));
        a6 = a6.add(FloatVector.fromArray(S, rs, r0 + zr * q6));
        FloatVector b0 = FloatVector.fromArray(S, last ? bias : NchwcDirectTiles.ZEROS, last ? bOff : 0);
        a0 = a0.add(b0);
        a1 = a1.add(b0);
        a2 = a2.add(b0);
        a3 = a3.add(b0);
        a4 = a4.add(b0);
        a5 = a5.add(b0);
        a6 = a6.add(b0);
        FloatVector l = FloatVector.broadcast(S, last && clamp ? lo : Float.NEGATIVE_INFINITY);
        FloatVector h = FloatVector.broadcast(S, last && clamp ? hi : Float.POSITIVE_INFINITY);
        a0 = a0.blend(l, a0.compare(VectorOperators.LT, l));
        a1 = a1.blend(l, a1.compare(VectorOperators.LT, l));
        a2 = a2.blend(l, a2.compare(VectorOperators.LT, l));
        a3 = a3.blend(l, a3.compare(VectorOperators.LT, l));
        a4 = a4.blend(l, a4.compare(VectorOperators.LT, l));
        a5 = a5.blend(l, a5.compare(VectorOperators.LT, l));
        a6 = a6.blend(l, a6.compare(VectorOperators.LT, l));
        a0 = a0.blend(h, a0.compare(VectorOperators.GT, h));
        a1 = a1.blend(h, a1.compare(VectorOperators.GT, h));
        a2 = a2.blend(h, a2.compare(VectorOperators.GT, h));
        a3 = a3.blend(h, a3.compare(VectorOperators.GT, h));
        a4 = a4.blend(h, a4.compare(VectorOperators.GT, h));
        a5 = a5.blend(h, a5.compare(VectorOperators.GT, h));
        a6 = a6.blend(h, a6.compare(VectorOperators.GT, h));
        if (skip == 0) {
            a0.intoArray(y, o0);
        }
        if (n > 1 && skip <= 1) {
            a1.intoArray(y, o0 + 1 * BLOCK);
        }
        if (n > 2 && skip <= 2) {
            a2.intoArray(y, o0 + 2 * BLOCK);
        }
        if (n > 3 && skip <= 3) {
            a3.intoArray(y, o0 + 3 * BLOCK);
        }
        if (n > 4 && skip <= 4) {
            a4.intoArray(y, o0 + 4 * BLOCK);
        }
        if (n > 5 && skip <= 5) {
            a5.intoArray(y, o0 + 5 * BLOCK);
        }
        if (n > 6 && skip <= 6) {
            a6.intoArray(y, o0 + 6 * BLOCK);
        }
    }
}
