package dev.vinfer.conv;

/**
 * The output transform of {@link WinogradConv}'s strips: {@code A^T} along W, H, then D over the GEMM outputs,
 * giving each tile's {@code m^r} output values. Both GEMM layouts share the H and D stages and differ only in the W
 * stage's gathering: strips by columns ({@link WinogradColumnStrips}) transform one output channel's rows of tiles
 * at a time ({@link #channel}), strips by rows ({@link WinogradRowStrips}) one tile's block of channels
 * ({@link #tile}).
 */
final class WinogradOutputTransform {
    private final Backend backend;
    private final WinogradTransform td;
    private final WinogradTransform th;
    private final WinogradTransform tw;

    WinogradOutputTransform(Backend backend, WinogradTileGrid grid) {
        this.backend = backend;
        this.td = grid.td;
        this.th = grid.th;
        this.tw = grid.tw;
    }

    /**
     * A^T along W, H, then D for output channel mo; returns the buffer holding its result laid out
     * {@code [oz][oy][ox][cols]} (in the patch buffers).
     */
    float[] channel(WinogradScratch sc, float[] o, int mo, int mg, int cols) {
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        int posStride = mg * cols;
        float[] a = sc.patch;
        float[] b = sc.patch2;
        // W: rows (dz, dy) of t values -> m values; a = [dz][dy][ox][cols]
        for (int row = 0; row < td.t * th.t; row++) {
            for (int k = 0; k < tw.t; k++) {
                so[k] = (row * tw.t + k) * posStride + mo * cols;
            }
            for (int q = 0; q < tw.m; q++) {
                dso[q] = (row * tw.m + q) * cols;
            }
            tw.apply(backend, false, o, so, a, dso, cols);
        }
        return heightAndDepth(sc, a, b, cols);
    }

    /**
     * A^T along W, H, then D of one tile of the GEMM output {@code o[pos][col][ld]}, its channels
     * {@code [m0, m0 + len)}; returns the buffer holding the tile's outputs laid out {@code [oz][oy][ox][len]} (one
     * of the patch buffers).
     */
    float[] tile(WinogradScratch sc, float[] o, int col, int cols, int ld, int m0, int len) {
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        float[] a = sc.patch;
        float[] b = sc.patch2;
        for (int row = 0; row < td.t * th.t; row++) {
            for (int k = 0; k < tw.t; k++) {
                so[k] = ((row * tw.t + k) * cols + col) * ld + m0;
            }
            for (int q = 0; q < tw.m; q++) {
                dso[q] = (row * tw.m + q) * len;
            }
            tw.apply(backend, false, o, so, a, dso, len);
        }
        return heightAndDepth(sc, a, b, len);
    }

    /**
     * The H and D stages of the output transform (A^T along H, then D) over {@code a}, already transformed along W
     * and laid out {@code [dz][dy][ox][run]}; {@code b} is the other buffer. Returns the buffer holding the result,
     * {@code [oz][oy][ox][run]}. Shared by both GEMM layouts, which differ only in the W stage's gathering.
     */
    private float[] heightAndDepth(WinogradScratch sc, float[] a, float[] b, int run) {
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        float[] cur = a;
        float[] nxt = b;
        if (th.t > 1) {
            int seg = tw.m * run; // one dy row
            for (int dz = 0; dz < td.t; dz++) {
                for (int k = 0; k < th.t; k++) {
                    so[k] = (dz * th.t + k) * seg;
                }
                for (int q = 0; q < th.m; q++) {
                    dso[q] = (dz * th.m + q) * seg;
                }
                th.apply(backend, false, cur, so, nxt, dso, seg);
            }
            float[] x = cur;
            cur = nxt;
            nxt = x;
        }
        if (td.t > 1) {
            int plane = th.m * tw.m * run;
            for (int k = 0; k < td.t; k++) {
                so[k] = k * plane;
            }
            for (int q = 0; q < td.m; q++) {
                dso[q] = q * plane;
            }
            td.apply(backend, false, cur, so, nxt, dso, plane);
            cur = nxt;
        }
        return cur;
    }
}
