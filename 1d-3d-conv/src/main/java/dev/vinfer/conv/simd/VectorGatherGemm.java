package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.ArrayAlignment;
import dev.vinfer.conv.GatherGemm;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;

/**
 * The vector {@link GatherGemm}: at 16 lanes register tiles of 4 pixels by 4 vectors of output channels
 * ({@link #WIDE}); with fewer lanes (16 vector registers) 5 pixels by 2 vectors; every A value broadcast straight
 * from the channels-last input. Per k step of the 4 x 4 tile 4 weight vectors and 4 broadcasts feed 16 FMAs; the
 * difference from a GEMM micro-kernel ({@link MicroKernel#tile7}) is that the rows are independent input runs
 * ({@code rowOff[i] + tapOff[t]}) instead of one packed A panel.
 *
 * <p>Weights are packed once as {@code [panel][tap][channel][NR]} (NR = 4 or 2 vectors, zeros past the last output
 * channel). k (taps x channels, tap-major) runs in equal blocks of at most about {@link #KC} floats, rounded up to
 * whole 16-channel runs, so a block may end inside a tap's channels: per block and panel all pixel tiles are swept
 * while that weight block ({@code kc x NR}, 32 KiB at 16 lanes: KC = 128 x 64 or 256 x 32) stays in L1; the
 * tiles' partial sums are added into {@code prod} from the second block on. While they do, each tile touches a
 * slice of the weight block read next ({@link TouchAhead}).
 *
 * <p>KC: blocks of whole taps up to 1024 floats (128 KiB of weights, read from L2 by every tile) until session 26.
 * On the Intel Xeon of sessions 21-26, inside the networks ({@code SwitchNodeProfile MODEL 1 N vinfer.gatherKc
 * 1024 256}, which {@code -Dvinfer.gatherKc} serves, read when a layer is prepared), ResNet's 3x3/2 layers took
 * 0.89-0.95 of their time in ResNet-18 with whole-tap blocks of at most 256 (128 and 160 tied with 256, 512 gained
 * only 1-2%), and 0.87-0.92 in ResNet-50 once blocks could end inside a tap (its 512-channel layer has 512 floats a
 * tap); whole networks paired against the build before ({@code BuildPairedComparison}, 300 pairs): ResNet-18 0.978
 * and ResNet-50 0.988 at one thread, 0.991 and 1.000 at two; GoogLeNet, ShuffleNet v2, M5 and ResNet3D-10 within
 * noise.
 */
final class VectorGatherGemm implements GatherGemm {
    /**
     * Whether the register tile is 4 pixels x 4 vectors ({@link #tile4x4}): at 16 lanes (32 vector registers). With
     * 16 registers (AVX2) it is 5 pixels x 2 vectors ({@link #tile5}), where a 6-pixel tile had C2 keep
     * accumulators on the stack (session 28, Zen 3). The 16-lane tile was 7 x 2 until session 29: its compiled loop
     * reloaded four loop invariants from the stack each step (seven row offsets, the touch and the weight index
     * need more general registers than x86 has). Measured (session 29, AMD Zen 5, one thread, the two builds
     * alternated in one JVM, {@code ConvPairedProbe ... C,M,HxW,channels_last,1,3,2,1}), 4 x 4 / 7 x 2 time:
     * 128->128 @56x56 0.856, 64->128 @56x56 0.897, 256->256 @28x28 0.906, 512->512 @14x14 0.979; whole
     * networks ({@code BuildPairedComparison}, 200 pairs) ResNet-18 0.990, ResNet-50 0.995, at two threads
     * 0.989 and 0.993, the others 0.987-1.001.
     */
    static final boolean WIDE = L >= 16;
    /** Pixels per register tile. */
    static final int MR = WIDE ? 4 : 5;
    /** Output channels per register tile and weight panel. */
    static final int NR = (WIDE ? 4 : 2) * L;
    /** The most k (taps x channels) per block, about; see the class comment: a weight block of 32 KiB. */
    static final int KC = WIDE ? 128 : 256;

    private final int channels;
    private final int taps;
    private final int outputs;
    private final int panels;
    /** k (taps x channels, in that order) per block: a block may end inside a tap's channels. */
    private final int kBlock;
    private final float[] packed;
    /** Where the packed weights start in {@link #packed}: on a cache line ({@link ArrayAlignment}). */
    private final int lead;

    VectorGatherGemm(int outputs, int channels, int taps, float[] w, int wOff) {
        this.channels = channels;
        this.taps = taps;
        this.outputs = outputs;
        this.panels = Math.ceilDiv(outputs, NR);
        int k = taps * channels;
        int blocks = Math.ceilDiv(k, Math.max(1, Integer.getInteger("vinfer.gatherKc", KC)));
        // equal blocks, rounded up to whole 16-channel runs so that a tap's inner loops stay long
        this.kBlock = Math.min(k, Math.ceilDiv(Math.ceilDiv(k, blocks), 16) * 16);
        this.lead = ArrayAlignment.floatLead();
        this.packed = new float[Math.addExact(lead,
                Math.multiplyExact(Math.multiplyExact(panels * NR, taps), channels))];
        // Row by row of the packed layout (sequential writes, the panel's outputs read together): output by output,
        // each write went to a new cache line (session 21, opening ResNet-50).
        int row = lead;
        for (int pn = 0; pn < panels; pn++) {
            int m0 = pn * NR;
            int m1 = Math.min(outputs, m0 + NR);
            for (int t = 0; t < taps; t++) {
                for (int c = 0; c < channels; c++, row += NR) {
                    for (int m = m0; m < m1; m++) {
                        packed[row + m - m0] = w[wOff + (m * channels + c) * taps + t];
                    }
                }
            }
        }
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int taps() {
        return taps;
    }

    @Override
    public int outputs() {
        return outputs;
    }

    @Override
    public int panelWidth() {
        return NR;
    }

    @Override
    public int laneBlock() {
        return L;
    }

    @Override
    public void run(float[] src, int sOff, int[] rowOff, int rOff, int count, int[] tapOff, int m0, int m1,
            float[] prod, int pOff, int ldb) {
        if (m0 % NR != 0 || m0 < 0 || m1 > outputs || m0 > m1) {
            throw new IllegalArgumentException("columns [" + m0 + ", " + m1 + ") of " + outputs + " (panels of "
                    + NR + ")");
        }
        Objects.checkFromIndexSize(rOff, count, rowOff.length);
        Objects.checkFromIndexSize(0, taps, tapOff.length);
        int p0 = m0 / NR;
        int p1 = Math.ceilDiv(m1, NR);
        if (count == 0 || p0 == p1) {
            return;
        }
        if (ldb < count * L) {
            throw new IllegalArgumentException("block stride " + ldb + " < " + count + " x " + L);
        }
        Objects.checkFromIndexSize(pOff, (NR / L * (p1 - p0) - 1) * ldb + count * L, prod.length);
        int kAll = taps * channels;
        for (int k0 = 0; k0 < kAll; k0 += kBlock) {
            int k1 = Math.min(kAll, k0 + kBlock);
            boolean load = k0 > 0;
            int steps = k1 - k0;
            int tiles = Math.ceilDiv(count, MR);
            for (int pn = p0; pn < p1; pn++) {
                int bBase = lead + pn * kAll * NR;
                int col = pOff + NR / L * (pn - p0) * ldb;
                // The weight block read after this one (the next panel's, else the first panel's next block),
                // touched a slice a tile so that it arrives while this block's tiles compute.
                int nextLo = -1;
                int nextLen = 0;
                if (pn + 1 < p1) {
                    nextLo = lead + (pn + 1) * kAll * NR + k0 * NR;
                    nextLen = steps * NR;
                } else if (k1 < kAll) {
                    nextLo = lead + p0 * kAll * NR + k1 * NR;
                    nextLen = (Math.min(kAll, k1 + kBlock) - k1) * NR;
                }
                int ts = TouchAhead.stride(nextLen, tiles, steps);
                for (int i = 0, tile = 0; i < count; i += MR, tile++) {
                    int r = Math.min(MR, count - i);
                    int tp = TouchAhead.start(nextLo, tile, steps, ts, packed.length);
                    int tStep = tp < 0 ? 0 : ts;
                    tp = Math.max(0, tp);
                    if (WIDE) {
                        tile4x4(src, sOff, rowOff, rOff + i, r, tapOff, k0, k1, bBase, prod, col + i * L, ldb, load,
                                tp, tStep);
                    } else {
                        // one call a tap: see tile5
                        for (int t = k0 / channels; t * channels < k1; t++) {
                            int kLo = Math.max(k0, t * channels);
                            int kHi = Math.min(k1, (t + 1) * channels);
                            tile5(src, sOff, rowOff, rOff + i, r, tapOff, kLo, kHi, bBase, prod, col + i * L, ldb,
                                    load || kLo > k0, tp, tStep);
                            tp += (kHi - kLo) * tStep;
                        }
                    }
                }
            }
        }
    }

    /**
     * 4 pixels x 4 vectors of output channels over k [k0, k1) (taps x channels, tap-major), for {@link #WIDE}: 16
     * accumulators fed by 4 weight vectors and 4 broadcasts per step (8 loads per 16 FMAs against the 7 x 2 tile's 9
     * per 14), and four row offsets instead of seven, which leaves C2 general registers for the loop's indices.
     */
    private void tile4x4(float[] src, int sOff, int[] rowOff, int rOff, int r, int[] tapOff, int k0, int k1,
            int bBase, float[] prod, int pOff, int ldb, boolean load, int tp, int ts) {
        int o0 = sOff + rowOff[rOff + 0];
        int o1 = sOff + rowOff[rOff + Math.min(1, r - 1)];
        int o2 = sOff + rowOff[rOff + Math.min(2, r - 1)];
        int o3 = sOff + rowOff[rOff + Math.min(3, r - 1)];
        float touched = 0;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S);
        FloatVector c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c22 = FloatVector.zero(S);
        FloatVector c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c32 = FloatVector.zero(S);
        FloatVector c33 = FloatVector.zero(S);
        for (int t = k0 / channels; t * channels < k1; t++) {
            int cLo = Math.max(0, k0 - t * channels);
            int cHi = Math.min(channels, k1 - t * channels);
            int d = tapOff[t];
            int a0 = o0 + d;
            int a1 = o1 + d;
            int a2 = o2 + d;
            int a3 = o3 + d;
            int bp = bBase + (t * channels + cLo) * NR;
            for (int c = cLo; c < cHi; c++, bp += NR) {
                FloatVector b0 = FloatVector.fromArray(S, packed, bp);
                FloatVector b1 = FloatVector.fromArray(S, packed, bp + 1 * L);
                FloatVector b2 = FloatVector.fromArray(S, packed, bp + 2 * L);
                FloatVector b3 = FloatVector.fromArray(S, packed, bp + 3 * L);
                touched += packed[tp];
                tp += ts;
                FloatVector v0 = FloatVector.broadcast(S, src[a0 + c]);
                c00 = v0.fma(b0, c00);
                c01 = v0.fma(b1, c01);
                c02 = v0.fma(b2, c02);
                c03 = v0.fma(b3, c03);
                FloatVector v1 = FloatVector.broadcast(S, src[a1 + c]);
                c10 = v1.fma(b0, c10);
                c11 = v1.fma(b1, c11);
                c12 = v1.fma(b2, c12);
                c13 = v1.fma(b3, c13);
                FloatVector v2 = FloatVector.broadcast(S, src[a2 + c]);
                c20 = v2.fma(b0, c20);
                c21 = v2.fma(b1, c21);
                c22 = v2.fma(b2, c22);
                c23 = v2.fma(b3, c23);
                FloatVector v3 = FloatVector.broadcast(S, src[a3 + c]);
                c30 = v3.fma(b0, c30);
                c31 = v3.fma(b1, c31);
                c32 = v3.fma(b2, c32);
                c33 = v3.fma(b3, c33);
            }
        }
        TouchAhead.keep(touched);
        // Written out rather than through a helper: vectors passed to a call C2 does not inline are boxed (see
        // MicroKernel.tile7); that ran this kernel at a third of its speed.
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, prod, pOff + 0 * L + 0 * ldb));
            c01 = c01.add(FloatVector.fromArray(S, prod, pOff + 0 * L + 1 * ldb));
            c02 = c02.add(FloatVector.fromArray(S, prod, pOff + 0 * L + 2 * ldb));
            c03 = c03.add(FloatVector.fromArray(S, prod, pOff + 0 * L + 3 * ldb));
            if (r > 1) {
                c10 = c10.add(FloatVector.fromArray(S, prod, pOff + 1 * L + 0 * ldb));
                c11 = c11.add(FloatVector.fromArray(S, prod, pOff + 1 * L + 1 * ldb));
                c12 = c12.add(FloatVector.fromArray(S, prod, pOff + 1 * L + 2 * ldb));
                c13 = c13.add(FloatVector.fromArray(S, prod, pOff + 1 * L + 3 * ldb));
            }
            if (r > 2) {
                c20 = c20.add(FloatVector.fromArray(S, prod, pOff + 2 * L + 0 * ldb));
                c21 = c21.add(FloatVector.fromArray(S, prod, pOff + 2 * L + 1 * ldb));
                c22 = c22.add(FloatVector.fromArray(S, prod, pOff + 2 * L + 2 * ldb));
                c23 = c23.add(FloatVector.fromArray(S, prod, pOff + 2 * L + 3 * ldb));
            }
            if (r > 3) {
                c30 = c30.add(FloatVector.fromArray(S, prod, pOff + 3 * L + 0 * ldb));
                c31 = c31.add(FloatVector.fromArray(S, prod, pOff + 3 * L + 1 * ldb));
                c32 = c32.add(FloatVector.fromArray(S, prod, pOff + 3 * L + 2 * ldb));
                c33 = c33.add(FloatVector.fromArray(S, prod, pOff + 3 * L + 3 * ldb));
            }
        }
        c00.intoArray(prod, pOff + 0 * L + 0 * ldb);
        c01.intoArray(prod, pOff + 0 * L + 1 * ldb);
        c02.intoArray(prod, pOff + 0 * L + 2 * ldb);
        c03.intoArray(prod, pOff + 0 * L + 3 * ldb);
        if (r > 1) {
            c10.intoArray(prod, pOff + 1 * L + 0 * ldb);
            c11.intoArray(prod, pOff + 1 * L + 1 * ldb);
            c12.intoArray(prod, pOff + 1 * L + 2 * ldb);
            c13.intoArray(prod, pOff + 1 * L + 3 * ldb);
        }
        if (r > 2) {
            c20.intoArray(prod, pOff + 2 * L + 0 * ldb);
            c21.intoArray(prod, pOff + 2 * L + 1 * ldb);
            c22.intoArray(prod, pOff + 2 * L + 2 * ldb);
            c23.intoArray(prod, pOff + 2 * L + 3 * ldb);
        }
        if (r > 3) {
            c30.intoArray(prod, pOff + 3 * L + 0 * ldb);
            c31.intoArray(prod, pOff + 3 * L + 1 * ldb);
            c32.intoArray(prod, pOff + 3 * L + 2 * ldb);
            c33.intoArray(prod, pOff + 3 * L + 3 * ldb);
        }
    }

    /**
     * 5 pixels x 2 vectors of output channels over k [k0, k1) within one tap, for 16 vector registers (AVX2): see
     * {@link #run} and {@link #WIDE}. One tap a call, the caller adding the taps up in {@code prod}: with a
     * loop over taps around the loop over channels, C2 gave the outer loop's accumulators registers of their own
     * and kept 3 of the inner loop's on the stack.
     */
    private void tile5(float[] src, int sOff, int[] rowOff, int rOff, int r, int[] tapOff, int k0, int k1,
            int bBase, float[] prod, int pOff, int ldb, boolean load, int tp, int ts) {
        int o0 = sOff + rowOff[rOff + 0];
        int o1 = sOff + rowOff[rOff + Math.min(1, r - 1)];
        int o2 = sOff + rowOff[rOff + Math.min(2, r - 1)];
        int o3 = sOff + rowOff[rOff + Math.min(3, r - 1)];
        int o4 = sOff + rowOff[rOff + Math.min(4, r - 1)];
        float touched = 0;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = c10;
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = c20;
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = c30;
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = c40;
        int t = k0 / channels;
        int d = tapOff[t];
        int a0 = o0 + d;
        int a1 = o1 + d;
        int a2 = o2 + d;
        int a3 = o3 + d;
        int a4 = o4 + d;
        int bp = bBase + k0 * NR;
        for (int c = k0 - t * channels, cHi = k1 - t * channels; c < cHi; c++, bp += NR) {
            FloatVector b0 = FloatVector.fromArray(S, packed, bp);
            FloatVector b1 = FloatVector.fromArray(S, packed, bp + L);
            touched += packed[tp];
            tp += ts;
            FloatVector v0 = FloatVector.broadcast(S, src[a0 + c]);
            c00 = v0.fma(b0, c00);
            c01 = v0.fma(b1, c01);
            FloatVector v1 = FloatVector.broadcast(S, src[a1 + c]);
            c10 = v1.fma(b0, c10);
            c11 = v1.fma(b1, c11);
            FloatVector v2 = FloatVector.broadcast(S, src[a2 + c]);
            c20 = v2.fma(b0, c20);
            c21 = v2.fma(b1, c21);
            FloatVector v3 = FloatVector.broadcast(S, src[a3 + c]);
            c30 = v3.fma(b0, c30);
            c31 = v3.fma(b1, c31);
            FloatVector v4 = FloatVector.broadcast(S, src[a4 + c]);
            c40 = v4.fma(b0, c40);
            c41 = v4.fma(b1, c41);
        }
        TouchAhead.keep(touched);
        // Written out rather than through a helper: vectors passed to a call C2 does not inline are boxed (see
        // MicroKernel.tile7); that ran this kernel at a third of its speed.
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, prod, pOff + 0 * L));
            c01 = c01.add(FloatVector.fromArray(S, prod, pOff + 0 * L + ldb));
            if (r > 1) {
                c10 = c10.add(FloatVector.fromArray(S, prod, pOff + 1 * L));
                c11 = c11.add(FloatVector.fromArray(S, prod, pOff + 1 * L + ldb));
            }
            if (r > 2) {
                c20 = c20.add(FloatVector.fromArray(S, prod, pOff + 2 * L));
                c21 = c21.add(FloatVector.fromArray(S, prod, pOff + 2 * L + ldb));
            }
            if (r > 3) {
                c30 = c30.add(FloatVector.fromArray(S, prod, pOff + 3 * L));
                c31 = c31.add(FloatVector.fromArray(S, prod, pOff + 3 * L + ldb));
            }
            if (r > 4) {
                c40 = c40.add(FloatVector.fromArray(S, prod, pOff + 4 * L));
                c41 = c41.add(FloatVector.fromArray(S, prod, pOff + 4 * L + ldb));
            }
        }
        c00.intoArray(prod, pOff + 0 * L);
        c01.intoArray(prod, pOff + 0 * L + ldb);
        if (r > 1) {
            c10.intoArray(prod, pOff + 1 * L);
            c11.intoArray(prod, pOff + 1 * L + ldb);
        }
        if (r > 2) {
            c20.intoArray(prod, pOff + 2 * L);
            c21.intoArray(prod, pOff + 2 * L + ldb);
        }
        if (r > 3) {
            c30.intoArray(prod, pOff + 3 * L);
            c31.intoArray(prod, pOff + 3 * L + ldb);
        }
        if (r > 4) {
            c40.intoArray(prod, pOff + 4 * L);
            c41.intoArray(prod, pOff + 4 * L + ldb);
        }
    }
}
