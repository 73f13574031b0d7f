package dev.vinfer.conv;

/**
 * The input transform of Winograd strips by columns with dense segments (see {@link WinogradConv}): V's columns are
 * the strip's tiles only, segment after segment, with no padding slot per segment. The phase split needs a padding
 * slot per segment because the shifted rows ({@code k >= m}) of the W stage read one value past a segment's last
 * tile; here those rows are built instead, from each segment's end values, which the fill keeps apart and the D and
 * H stages transform along with the phase rows. Chosen by {@link WinogradConv} where it makes the rows shorter once
 * padded to whole vectors (64@56x56 F(4,3) as one strip: 196 -> 208 columns instead of 210 -> 224).
 */
final class WinogradDenseColumns {
    private final Backend backend;
    private final Shape3 s;
    private final WinogradTransform td;
    private final WinogradTransform th;
    private final WinogradTransform tw;
    /** Tile rows per D slice. */
    private final int nH;
    /** Chunks per tile row, and tiles per chunk (one segment). */
    private final int chunks;
    private final int chunkTiles;
    /** Tile positions, {@code t^r}. */
    private final int positions;
    /** Floats per patch buffer (channels are transformed in blocks that fill it). */
    private final int patchFloats;
    /** Input channels, and input channels per group. */
    private final int cin;
    private final int cg;

    WinogradDenseColumns(Backend backend, ConvGeometry g, Shape3 s, WinogradTransform td, WinogradTransform th,
            WinogradTransform tw, int nH, int chunks, int chunkTiles, int patchFloats) {
        this.backend = backend;
        this.s = s;
        this.td = td;
        this.th = th;
        this.tw = tw;
        this.nH = nH;
        this.chunks = chunks;
        this.chunkTiles = chunkTiles;
        this.positions = td.t * th.t * tw.t;
        this.patchFloats = patchFloats;
        this.cin = g.inChannels();
        this.cg = g.inChannelsPerGroup();
    }

    /**
     * The transformed input of a strip by columns with dense segments: V ({@code [position][channel][ld]}, all the
     * group's channels, in this thread's {@code sc.v}) whose columns are the strip's tiles only, segment after
     * segment ({@code chunkTiles} each), then padding up to {@code ld}. The phase split ({@link WinogradConv}'s fill) needs a
     * padding slot per segment because the shifted rows ({@code k >= m}) read one value past a segment's last tile;
     * here those rows are built instead: for each (dz, dy) row of a block of channels the patch holds t slots of
     * {@code nc * ld} floats, the m phase rows, then, after the D and H stages, the t - m shifted rows (phase row
     * {@code k - m} moved by one, each segment's last value taken from the segment's end values, which the fill
     * leaves in slot m and the D and H stages transform along with the phases).
     */
    float[] input(WinogradScratch sc, int n, int gi, int r0, int r1, float[] in, int inOff, int ld) {
        int perChannel = td.t * th.t * tw.t * ld;
        int block = Math.max(1, Math.min(cg, patchFloats / perChannel));
        int patchSize = perChannel * block;
        sc.patch = WinogradScratch.grow(sc.patch, patchSize);
        sc.patch2 = WinogradScratch.grow(sc.patch2, patchSize);
        int rows = r1 - r0;
        sc.line = WinogradScratch.grow(sc.line, Math.max(ld * tw.m, rows * chunkTiles * tw.m));
        sc.ends = WinogradScratch.grow(sc.ends, (tw.t - tw.m) * block * rows);
        sc.v = WinogradScratch.grow(sc.v, positions * cg * ld);
        int tmax = Math.max(tw.t, Math.max(th.t, td.t));
        if (sc.srcOff.length < tmax) {
            sc.srcOff = new int[tmax];
            sc.dstOff = new int[tmax];
        }
        int inPlane = s.inPlane();
        int inBase = inOff + (n * cin + gi * cg) * inPlane;
        for (int c = 0; c < cg; c += block) {
            int nc = Math.min(block, cg - c);
            for (int i = 0; i < nc; i++) {
                fillDense(in, inBase + (c + i) * inPlane, r0, r1, nc, i, ld, sc.patch, sc.line);
            }
            denseTransform(sc, ld, nc, c, cg, rows, sc.v);
        }
        return sc.v;
    }

    /**
     * Channel i of a block of nc channels into the dense patch: for each (dz, dy), phase row p (slot p) gets
     * {@code x[z][y][x0 + j * m + p]} for the strip's segments (tiles j, from {@code line} by
     * {@link Backend#deinterleave}), and slot m, at {@code (e * nc + i) * rows + segment}, the segment's end values
     * {@code x[z][y][x0 + chunkTiles * m + e]} for {@code e < t - m}; zeros outside the input.
     */
    private void fillDense(float[] in, int chBase, int r0, int r1, int nc, int i, int ld, float[] patch,
            float[] line) {
        int mW = tw.m;
        int extra = tw.t - mW;
        int span = chunkTiles * mW;
        int rows = r1 - r0;
        int run = nc * ld;
        for (int dz = 0; dz < td.t; dz++) {
            for (int dy = 0; dy < th.t; dy++) {
                int slots = (dz * th.t + dy) * tw.t * run;
                int endsAt = slots + mW * run + i * rows;
                for (int r = r0; r < r1; r++) {
                    int tileRow = r / chunks;
                    int z = tileRow / nH * td.m + dz - s.pD;
                    int y = tileRow % nH * th.m + dy - s.pH;
                    int x0 = r % chunks * span - s.pW;
                    int dst = (r - r0) * span;
                    boolean inside = z >= 0 && z < s.inD && y >= 0 && y < s.inH;
                    int ia = inside ? Math.min(span, Math.max(0, -x0)) : span;
                    int ib = inside ? Math.max(ia, Math.min(span, s.inW - x0)) : span;
                    WinogradInputTransform.zero(line, dst, dst + ia);
                    int rowAt = chBase + (z * s.inH + y) * s.inW;
                    if (ib > ia) {
                        System.arraycopy(in, rowAt + x0 + ia, line, dst + ia, ib - ia);
                    }
                    WinogradInputTransform.zero(line, dst + ib, dst + span);
                    for (int e = 0; e < extra; e++) {
                        int x = x0 + span + e;
                        patch[endsAt + e * nc * rows + r - r0] = inside && x >= 0 && x < s.inW ? in[rowAt + x] : 0f;
                    }
                }
                backend.deinterleave(mW, rows * chunkTiles, line, 0, patch, slots + i * ld, run);
            }
        }
    }

    /**
     * One axis of the dense input transform: for each of {@code count} lines, the transform's rows {@code k * kStep +
     * line * lineStep} (k below {@code f.t}), each {@code rowStride} apart, from {@code cur} into the same places of
     * {@code nxt}.
     */
    private void densePass(WinogradTransform f, int count, int kStep, int lineStep, int rowStride, float[] cur,
            float[] nxt, int[] so, int[] dso, int active) {
        for (int line = 0; line < count; line++) {
            for (int k = 0; k < f.t; k++) {
                so[k] = (k * kStep + line * lineStep) * rowStride;
                dso[k] = so[k];
            }
            rows(f, true, cur, so, nxt, dso, active);
        }
    }

    /**
     * B^T along D, H (over the phase rows and the end values of each (dz, dy) row), then the shifted rows built and
     * B^T along W, writing channels {@code [c0, c0 + nc)} of every {@code V_pos}. See {@link #input}.
     */
    private void denseTransform(WinogradScratch sc, int ld, int nc, int c0, int cg, int rows, float[] v) {
        int mW = tw.m;
        int extra = tw.t - mW;
        int run = nc * ld;
        int rowStride = tw.t * run;
        int active = mW * run + extra * nc * rows;
        float[] cur = sc.patch;
        float[] nxt = sc.patch2;
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        if (td.t > 1) { // depth: rows k * th.t + dy for each dy
            densePass(td, th.t, th.t, 1, rowStride, cur, nxt, so, dso, active);
            float[] x = cur;
            cur = nxt;
            nxt = x;
        }
        if (th.t > 1) { // height: rows dz * th.t + k for each dz
            densePass(th, td.t, 1, th.t, rowStride, cur, nxt, so, dso, active);
            float[] x = cur;
            cur = nxt;
            nxt = x;
        }
        int posStride = cg * ld;
        int segs = nc * rows;
        float[] ends = sc.ends;
        for (int row = 0; row < td.t * th.t; row++) {
            int base = row * rowStride;
            System.arraycopy(cur, base + mW * run, ends, 0, extra * segs);
            for (int e = 0; e < extra; e++) {
                int to = base + (mW + e) * run;
                // Phase row e moved by one: every tile's next value, but for each segment's last tile.
                System.arraycopy(cur, base + e * run + 1, cur, to, run - 1);
                for (int i = 0; i < nc; i++) {
                    int last = to + i * ld + chunkTiles - 1;
                    for (int r = 0; r < rows; r++) {
                        cur[last + r * chunkTiles] = ends[(e * nc + i) * rows + r];
                    }
                }
            }
            for (int k = 0; k < tw.t; k++) {
                so[k] = base + k * run;
                dso[k] = (row * tw.t + k) * posStride + c0 * ld;
            }
            rows(tw, true, cur, so, v, dso, run);
        }
    }

    private void rows(WinogradTransform f, boolean input, float[] src, int[] so, float[] dst, int[] dso, int len) {
        f.apply(backend, input, src, so, dst, dso, len);
    }
}
