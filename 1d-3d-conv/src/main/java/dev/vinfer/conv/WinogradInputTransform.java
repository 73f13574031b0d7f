package dev.vinfer.conv;

/**
 * The input transform of {@link WinogradConv}'s strips, the part both strip layouts share (strips by columns with
 * dense segments use {@link WinogradDenseColumns} instead): the strip's input tiles, phase-split along W, through
 * {@code B^T} along each axis, giving for every tile position {@code pos < t^r} a matrix {@code V_pos} (C/G
 * channels x the strip's tile columns).
 *
 * <p>Why the phase split: tiles along W start {@code m} inputs apart, so tile j needs inputs {@code j*m + k} for
 * {@code k < t}. Stored as m "phase" rows {@code P_p[j] = x[j*m + p]}, input k of every tile is the contiguous
 * row {@code P_(k mod m)} shifted by {@code k / m} (0 or 1), so every input-transform step is a linear combination
 * of whole rows ({@link Backend#combine}), vectorized across tiles. Each tile row gets one extra slot (its last tile
 * needs input {@code nW*m + k - m}).
 */
final class WinogradInputTransform {
    /**
     * Floats per patch buffer of the input transform: channels are transformed in blocks that fill it (7x7 F(2,3):
     * 51 channels a block), so small planes make a few long combine calls instead of many short ones.
     */
    static final int PATCH_FLOATS = 8192;

    private final WinogradTileGrid grid;
    private final Backend backend;
    /** Floats per patch buffer ({@link #PATCH_FLOATS} but in tests). */
    private final int patchFloats;

    WinogradInputTransform(WinogradTileGrid grid, Backend backend, int patchFloats) {
        this.grid = grid;
        this.backend = backend;
        this.patchFloats = patchFloats;
    }

    /**
     * The input transform of input channels {@code [c0, c1)} of group gi, image n, tile rows {@code [r0, r1)}, into
     * {@code v} ({@code [position][channel][column]}, all the group's channels), or into this thread's {@code sc.v}
     * (grown) if {@code v} is null; returns the array written. Uses (and grows) {@code sc}'s patch and line buffers.
     */
    float[] transform(WinogradScratch sc, int n, int gi, int r0, int r1, int c0, int c1, float[] in, int inOff,
            float[] v) {
        return transform(sc, n, gi, r0, r1, c0, c1, in, inOff, v, (r1 - r0) * grid.segW);
    }

    /**
     * As above with the rows of V (and of the patch's phase rows) {@code ld >= cols} floats apart: by columns they
     * are padded to whole vectors so that no pass has a scalar tail; the padding columns carry values computed from
     * zeros or from neighbouring padding, never read into the output.
     */
    float[] transform(WinogradScratch sc, int n, int gi, int r0, int r1, int c0, int c1, float[] in, int inOff,
            float[] v, int ld) {
        int cg = grid.g.inChannelsPerGroup();
        int cols = ld;
        int perChannel = grid.td.t * grid.th.t * grid.tw.m * cols;
        int block = Math.max(1, Math.min(c1 - c0, patchFloats / perChannel));
        // One slot more: the W stage's shifted rows read one value past the block's last row.
        int patchSize = perChannel * block + 1;
        sc.patch = WinogradScratch.grow(sc.patch, patchSize);
        sc.patch2 = WinogradScratch.grow(sc.patch2, patchSize);
        sc.line = WinogradScratch.grow(sc.line, cols * grid.tw.m);
        if (v == null) {
            sc.v = WinogradScratch.grow(sc.v, grid.positions * cg * cols);
            v = sc.v;
        }
        int tmax = Math.max(grid.tw.t, Math.max(grid.th.t, grid.td.t));
        if (sc.srcOff.length < tmax) {
            sc.srcOff = new int[tmax];
            sc.dstOff = new int[tmax];
        }
        int inPlane = grid.s.inPlane();
        int inBase = inOff + (n * grid.g.inChannels() + gi * cg) * inPlane;
        for (int c = c0; c < c1; c += block) {
            int nc = Math.min(block, c1 - c);
            for (int i = 0; i < nc; i++) {
                fillPatch(in, inBase + (c + i) * inPlane, r0, r1, nc, i, cols, sc.patch, sc.line);
            }
            inputTransform(sc, cols, nc, c, cg, v);
        }
        return v;
    }

    /**
     * Copies the input rows the strip's tiles read, of channel i of a block of nc channels, into {@code patch},
     * phase-split along W: {@code patch[(((dz * tH + dy) * mW + p) * nc + i) * cols + seg * segW + j] =
     * x[z][y][x0 + j * mW + p - padW]} with zeros
     * outside the input. Per (dz, dy), each segment's input span is first copied contiguously (zero-padded) into
     * {@code line}, then all segments are split into phases at once by {@link Backend#deinterleave} (vectorized,
     * instead of a strided scalar copy per phase and segment).
     */
    private void fillPatch(float[] in, int chBase, int r0, int r1, int nc, int i, int cols, float[] patch,
            float[] line) {
        int mW = grid.tw.m;
        int span = grid.segW * mW; // input values one segment covers
        int count = cols;
        // Padded rows (by columns): the line's end past the segments is deinterleaved too; keep it zero.
        java.util.Arrays.fill(line, (r1 - r0) * span, cols * mW, 0f);
        for (int dz = 0; dz < grid.td.t; dz++) {
            for (int dy = 0; dy < grid.th.t; dy++) {
                for (int r = r0; r < r1; r++) {
                    int tileRow = r / grid.chunks;
                    int z = tileRow / grid.nH * grid.td.m + dz - grid.s.pD;
                    int y = tileRow % grid.nH * grid.th.m + dy - grid.s.pH;
                    // input column of the segment's first value
                    int x0 = r % grid.chunks * grid.chunkTiles * mW - grid.s.pW;
                    int dst = (r - r0) * span;
                    boolean inside = z >= 0 && z < grid.s.inD && y >= 0 && y < grid.s.inH;
                    int ia = inside ? Math.min(span, Math.max(0, -x0)) : span;
                    int ib = inside ? Math.max(ia, Math.min(span, grid.s.inW - x0)) : span;
                    zero(line, dst, dst + ia);
                    if (ib > ia) {
                        System.arraycopy(in, chBase + (z * grid.s.inH + y) * grid.s.inW + x0 + ia, line, dst + ia,
                                ib - ia);
                    }
                    zero(line, dst + ib, dst + span);
                }
                backend.deinterleave(mW, count, line, 0, patch, ((dz * grid.th.t + dy) * mW * nc + i) * cols,
                        nc * cols);
            }
        }
    }

    /**
     * Zeroes {@code a[from, to)}: the pads of a segment are mostly a value or two, which a plain loop writes faster
     * than an {@code Arrays.fill} call (those calls were 3% of 64@56x56).
     */
    static void zero(float[] a, int from, int to) {
        if (to - from > 8) {
            java.util.Arrays.fill(a, from, to, 0f);
            return;
        }
        for (int j = from; j < to; j++) {
            a[j] = 0f;
        }
    }

    /**
     * B^T along D, H, then W over a block of nc channels (laid out by {@link #fillPatch}: for each (dz, dy) and
     * phase, the block's channels one after another, so every stage is one long combine per row for the whole
     * block, not one short one per channel); the W stage writes channels {@code [c0, c0 + nc)} of every
     * {@code V_pos}.
     */
    private void inputTransform(WinogradScratch sc, int cols, int nc, int c0, int cg, float[] v) {
        int mW = grid.tw.m;
        int run = nc * cols; // one phase row of the block
        int rowLen = mW * run; // one (dz, dy) row: all phases
        float[] cur = sc.patch;
        float[] nxt = sc.patch2;
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        if (grid.td.t > 1) {
            int plane = grid.th.t * rowLen;
            for (int k = 0; k < grid.td.t; k++) {
                so[k] = k * plane;
                dso[k] = k * plane;
            }
            grid.td.apply(backend, true, cur, so, nxt, dso, plane);
            float[] x = cur;
            cur = nxt;
            nxt = x;
        }
        if (grid.th.t > 1) {
            for (int dz = 0; dz < grid.td.t; dz++) {
                int base = dz * grid.th.t * rowLen;
                for (int k = 0; k < grid.th.t; k++) {
                    so[k] = base + k * rowLen;
                    dso[k] = base + k * rowLen;
                }
                grid.th.apply(backend, true, cur, so, nxt, dso, rowLen);
            }
            float[] x = cur;
            cur = nxt;
            nxt = x;
        }
        // The shifted rows (k >= mW) of the block's last channel read one value past it: only into that channel's
        // last padding slot, whose output is never used; keep it finite.
        cur[grid.td.t * grid.th.t * rowLen] = 0f;
        int posStride = cg * cols;
        for (int row = 0; row < grid.td.t * grid.th.t; row++) {
            int base = row * rowLen;
            for (int k = 0; k < grid.tw.t; k++) {
                so[k] = base + k % mW * run + k / mW;
                dso[k] = (row * grid.tw.t + k) * posStride + c0 * cols;
            }
            grid.tw.apply(backend, true, cur, so, v, dso, run);
        }
    }
}
