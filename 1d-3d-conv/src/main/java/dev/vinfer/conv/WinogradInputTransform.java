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
    /** Floats past a patch's last row (one vector of the widest species): see {@link #transform}. */
    static final int PATCH_SLACK = 64;

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
     * (grown) if {@code v} is null; returns the array written. Uses (and grows) {@code sc}'s patch buffers.
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
        // One slot more: the W stage's shifted rows read one value past the block's last row; and a vector more, so
        // that the fill's whole-vector stores of the last phase row stay inside the array.
        int patchSize = perChannel * block + 1 + PATCH_SLACK;
        sc.patch = WinogradScratch.grow(sc.patch, patchSize);
        sc.patch2 = WinogradScratch.grow(sc.patch2, patchSize);
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
                fillPatch(in, inBase + (c + i) * inPlane, r0, r1, nc, i, cols, sc.patch);
            }
            inputTransform(sc, cols, nc, c, cg, v);
        }
        return v;
    }

    /**
     * Copies the input rows the strip's tiles read, of channel i of a block of nc channels, into {@code patch},
     * phase-split along W: {@code patch[(((dz * tH + dy) * mW + p) * nc + i) * cols + seg * segW + j] =
     * x[z][y][x0 + j * mW + p - padW]} with zeros outside the input. A segment's input spans in the tile row's
     * consecutive input rows go in one {@link Backend#deinterleaveClipped} per dz: copied, zero-padded and split
     * into phases in one pass (it was a copy into a line buffer and pad fills per (dz, dy) and segment, then a split
     * of the line per (dz, dy): 16% of 64@56x56). The last
     * segment's call also fills the padding columns up to {@code cols} (with input values or zeros: finite, and
     * never read into the output).
     */
    private void fillPatch(float[] in, int chBase, int r0, int r1, int nc, int i, int cols, float[] patch) {
        int mW = grid.tw.m;
        int segW = grid.segW;
        int phaseStride = nc * cols;
        int dyStep = mW * phaseStride; // patch floats per (dz, dy) row
        int inW = grid.s.inW;
        int inH = grid.s.inH;
        int tH = grid.th.t;
        for (int r = r0; r < r1; r++) {
            int tileRow = r / grid.chunks;
            int z0 = tileRow / grid.nH * grid.td.m - grid.s.pD;
            int y0 = tileRow % grid.nH * grid.th.m - grid.s.pH;
            // input column of the segment's first value
            int x0 = r % grid.chunks * grid.chunkTiles * mW - grid.s.pW;
            int count = r == r1 - 1 ? cols - (r - r0) * segW : segW;
            // Past a segment lies the next one of the same phase row, filled after this one (r ascending).
            int slack = r == r1 - 1 ? 0 : segW;
            int col = i * cols + (r - r0) * segW;
            // The tile row's dy rows inside the input are consecutive rows: one call; the rest are padding rows.
            int lo = Math.min(tH, Math.max(0, -y0));
            int hi = Math.max(lo, Math.min(tH, inH - y0));
            for (int dz = 0; dz < grid.td.t; dz++) {
                int z = z0 + dz;
                int at = (dz * tH) * dyStep + col;
                if (z < 0 || z >= grid.s.inD) {
                    backend.deinterleaveClipped(mW, count, slack, in, 0, 0, 0, x0, tH, patch, at, phaseStride, dyStep);
                    continue;
                }
                if (lo > 0) {
                    backend.deinterleaveClipped(mW, count, slack, in, 0, 0, 0, x0, lo, patch, at, phaseStride, dyStep);
                }
                if (hi > lo) {
                    backend.deinterleaveClipped(mW, count, slack, in, chBase + (z * inH + y0 + lo) * inW, inW, inW, x0,
                            hi - lo, patch, at + lo * dyStep, phaseStride, dyStep);
                }
                if (hi < tH) {
                    backend.deinterleaveClipped(mW, count, slack, in, 0, 0, 0, x0, tH - hi, patch, at + hi * dyStep,
                            phaseStride, dyStep);
                }
            }
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
