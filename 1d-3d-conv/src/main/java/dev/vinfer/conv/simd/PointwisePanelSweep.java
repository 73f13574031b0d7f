package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.MR;
import static dev.vinfer.conv.simd.MicroKernel.NR;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The small-K form of {@link PointwiseKernel}'s register tile: one six-row tile swept over a whole strip of packed
 * panels in one call (session 9), with its switch {@link #panelLoopK}.
 */
final class PointwisePanelSweep {
    private PointwisePanelSweep() {
    }

    /**
     * {@code PointwiseKernel.fusedTile} for K of at most one k-block, run over {@code panels} packed B slabs side by
     * side ({@code b[q * k * NR]}, C and the residual {@code NR} columns further per slab) in one call: the six
     * rows' weights at {@code a[ai + p * MR + r]}. With K = 16-32 a tile is only 16-32 steps of 12 FMAs, so the
     * per-tile call (17 arguments) and its set-up are a noticeable share; with the loop here 16->96 @112x112 and
     * 24->144 @56x56 took 0.92 of the time, 32->192 @28x28 0.97 (bench/README.md, session 9). It stays a separate
     * method: the same loop in {@code fusedTile} made K = 64-96 layers 3-17% slower (64->256 @56x56 1.07-1.17), so
     * {@link #PANEL_LOOP_K} bounds it. Rounding as {@code fusedTile}'s.
     */
    static void fusedPanels(int k, float[] a, int ai, float[] b, int panels, float[] c, int cStart,
            int ldc, float[] bias, int biasRow, float[] res, int rStart, int kind, float lo, float hi) {
        for (int q = 0; q < panels; q++) {
            int bi = q * k * NR;
            int ci = cStart + q * NR;
            int ri = rStart + q * NR;
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c01 = c00;
            FloatVector c10 = c00;
            FloatVector c11 = c00;
            FloatVector c20 = c00;
            FloatVector c21 = c00;
            FloatVector c30 = c00;
            FloatVector c31 = c00;
            FloatVector c40 = c00;
            FloatVector c41 = c00;
            FloatVector c50 = c00;
            FloatVector c51 = c00;
            for (int p = 0; p < k; p++) {
                int bp = bi + p * NR;
                int ap = ai + p * MR;
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector av = FloatVector.broadcast(S, a[ap]);
                c00 = av.fma(b0, c00);
                c01 = av.fma(b1, c01);
                av = FloatVector.broadcast(S, a[ap + 1]);
                c10 = av.fma(b0, c10);
                c11 = av.fma(b1, c11);
                av = FloatVector.broadcast(S, a[ap + 2]);
                c20 = av.fma(b0, c20);
                c21 = av.fma(b1, c21);
                av = FloatVector.broadcast(S, a[ap + 3]);
                c30 = av.fma(b0, c30);
                c31 = av.fma(b1, c31);
                av = FloatVector.broadcast(S, a[ap + 4]);
                c40 = av.fma(b0, c40);
                c41 = av.fma(b1, c41);
                av = FloatVector.broadcast(S, a[ap + 5]);
                c50 = av.fma(b0, c50);
                c51 = av.fma(b1, c51);
            }
            int r1 = ci + ldc;
            int r2 = r1 + ldc;
            int r3 = r2 + ldc;
            int r4 = r3 + ldc;
            int r5 = r4 + ldc;
            if (res != null) {
                int d = ri - ci;
                c00 = c00.add(FloatVector.fromArray(S, res, ci + d));
                c01 = c01.add(FloatVector.fromArray(S, res, ci + d + L));
                c10 = c10.add(FloatVector.fromArray(S, res, r1 + d));
                c11 = c11.add(FloatVector.fromArray(S, res, r1 + d + L));
                c20 = c20.add(FloatVector.fromArray(S, res, r2 + d));
                c21 = c21.add(FloatVector.fromArray(S, res, r2 + d + L));
                c30 = c30.add(FloatVector.fromArray(S, res, r3 + d));
                c31 = c31.add(FloatVector.fromArray(S, res, r3 + d + L));
                c40 = c40.add(FloatVector.fromArray(S, res, r4 + d));
                c41 = c41.add(FloatVector.fromArray(S, res, r4 + d + L));
                c50 = c50.add(FloatVector.fromArray(S, res, r5 + d));
                c51 = c51.add(FloatVector.fromArray(S, res, r5 + d + L));
            }
            if (bias != null) {
                FloatVector bv = FloatVector.broadcast(S, bias[biasRow]);
                c00 = c00.add(bv);
                c01 = c01.add(bv);
                bv = FloatVector.broadcast(S, bias[biasRow + 1]);
                c10 = c10.add(bv);
                c11 = c11.add(bv);
                bv = FloatVector.broadcast(S, bias[biasRow + 2]);
                c20 = c20.add(bv);
                c21 = c21.add(bv);
                bv = FloatVector.broadcast(S, bias[biasRow + 3]);
                c30 = c30.add(bv);
                c31 = c31.add(bv);
                bv = FloatVector.broadcast(S, bias[biasRow + 4]);
                c40 = c40.add(bv);
                c41 = c41.add(bv);
                bv = FloatVector.broadcast(S, bias[biasRow + 5]);
                c50 = c50.add(bv);
                c51 = c51.add(bv);
            }
            if (kind != 0) {
                // max/min keep NaN, as Math.max/min and the unfused epilogue do. Called as lanewise(MAX/MIN) on this
                // method's own call sites: FloatVector.min(v) is lanewise(MIN, v) inside the JDK, and one MobileNetV2
                // JVM compiled that inner call as virtual (no profile data at FloatVector.min's bytecode, which all
                // callers share), boxing all 24 vectors of every tile.
                FloatVector l = FloatVector.broadcast(S, lo);
                FloatVector h = FloatVector.broadcast(S, kind == 2 ? hi : Float.POSITIVE_INFINITY);
                c00 = c00.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
                c01 = c01.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
                c10 = c10.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
                c11 = c11.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
                c20 = c20.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
                c21 = c21.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
                c30 = c30.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
                c31 = c31.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
                c40 = c40.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
                c41 = c41.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
                c50 = c50.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
                c51 = c51.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            }
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + L);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + L);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + L);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + L);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + L);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + L);
        }
    }

    /** Largest K run by {@link #fusedPanels} (the default of {@link #panelLoopK}). */
    static final int PANEL_LOOP_K = 32;

    /**
     * Largest K run by {@link #fusedPanels}, read when weights are packed ({@code -Dvinfer.pointwisePanelLoopK},
     * 0 turns it off), so that two sessions of one JVM can be compared with and without it.
     */
    static int panelLoopK() {
        return Integer.getInteger("vinfer.pointwisePanelLoopK", PANEL_LOOP_K);
    }
}
