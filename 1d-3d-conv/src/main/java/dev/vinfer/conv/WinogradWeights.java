package dev.vinfer.conv;

/** The Winograd weight transform of {@link WinogradConv}, done once per weight when a session opens. */
final class WinogradWeights {
    /** Input channels whose weights {@link #transformGroup} turns to {@code [tap][output channel]} in one transpose. */
    static final int CHANNELS_PER_TRANSPOSE = 16;

    private WinogradWeights() {
    }

    /**
     * {@code U = (G_D x G_H x G_W) w} per (group, position), packed for the chosen GEMM layout (as A operands by
     * columns, transposed as B operands by rows). See {@link #transformGroup} for how it is computed.
     */
    static PackedMatrix[][] transform(ConvGeometry g, int taps, WinogradTransform td, WinogradTransform th,
            WinogradTransform tw, int positions, boolean byColumns, Backend backend, float[] w, int wOff) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        int ps = mg * cg;
        PackedMatrix[][] out = new PackedMatrix[g.group()][positions];
        float[] u = new float[positions * ps];
        for (int gi = 0; gi < g.group(); gi++) {
            transformGroup(g, taps, td, th, tw, backend, w, wOff, gi, u);
            for (int p = 0; p < positions; p++) {
                // By rows the GEMMs are V^T x U^T (U^T is their packed B); by columns U x V (U packed as A).
                // u holds U^T per position ([input channel][output channel]): A packs from it transposed and B
                // plainly, both the packers' contiguous (vector copy) cases.
                out[gi][p] = byColumns ? backend.packA(true, mg, cg, u, p * ps, mg)
                        : backend.packB(false, cg, mg, u, p * ps, mg);
            }
        }
        return out;
    }

    /**
     * Group gi's transformed weights unpacked, {@code U_pos} transposed per position ({@code [position][input
     * channel][output channel]}): {@link #transformGroup} into an array of its own, the layout
     * {@link SmallPlaneWinograd}'s tile GEMMs pack from.
     */
    static float[] transposedGroup(ConvGeometry g, int gi, int taps, WinogradTransform td, WinogradTransform th,
            WinogradTransform tw, int positions, Backend backend, float[] w, int wOff) {
        float[] ut = new float[positions * g.outChannelsPerGroup() * g.inChannelsPerGroup()];
        transformGroup(g, taps, td, th, tw, backend, w, wOff, gi, ut);
        return ut;
    }

    /**
     * The transformed weights of group {@code gi}, unpacked and transposed: {@code u[p * mg * cg + c * mg + mo]} for
     * position p ({@code (a * th.t + b) * tw.t + cc}), input channel c and output channel mo of the group.
     *
     * <p>It runs when a session opens, on every 3x3 weight, so it is arranged for speed: per input channel the
     * weights of all output channels are turned to {@code [tap][output channel]}, and the transform is applied one
     * axis at a time (W, then H, then D) as row combinations over all output channels at once
     * ({@link Backend#linearRows}, vectors of channels), the last axis writing straight into u; for F(4,3) that
     * also takes half the multiplications of the full Kronecker product. With output channels contiguous, both
     * packings copy whole vectors (a transposing pack of the transformed weights, 4x the raw weights for F(4,3),
     * cost as much as the transform). It is done in float with G rounded to float: against the transform in
     * double the result differs by a few units in the last place of the sum of magnitudes (measured and bounded
     * in {@code WinogradWeightsTest}), far inside the Winograd tolerances of {@link ConvAlgorithm}.
     */
    static void transformGroup(ConvGeometry g, int taps, WinogradTransform td, WinogradTransform th,
            WinogradTransform tw, Backend backend, float[] w, int wOff, int gi, float[] u) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        int ps = mg * cg;
        int plane = th.t * tw.t;
        if ((long) td.t * plane * ps > u.length) {
            throw new IllegalArgumentException("Winograd weights: " + td.t * (long) plane * ps
                    + " transformed values do not fit the " + u.length + " given");
        }
        float[] gw = floats(tw.g);
        float[] gh = floats(th.g);
        float[] gd = floats(td.g);
        boolean depth = td.t > 1 || td.taps > 1;
        // Input channels are turned to [tap][output channel] CHANNELS_PER_TRANSPOSE at a time by one transpose
        // (16 channels x 9 taps is a whole number of 16-float vectors), instead of a strided read per weight.
        int chunk = Math.min(cg, CHANNELS_PER_TRANSPOSE);
        float[] wt = new float[chunk * taps * mg];
        float[] alongW = new float[td.taps * th.taps * tw.t * mg];
        float[] alongH = depth ? new float[td.taps * plane * mg] : null;
        int wStep = cg * taps; // between output channels in w
        for (int c = 0; c < cg; c++) {
            int inChunk = c % chunk;
            if (inChunk == 0) {
                int nc = Math.min(chunk, cg - c);
                backend.transpose(w, wOff + gi * mg * wStep + c * taps, wStep, mg, nc * taps, wt, 0, mg);
            }
            int wtBase = inChunk * taps * mg;
            for (int row = 0; row < td.taps * th.taps; row++) {
                backend.linearRows(tw.t, tw.taps, gw, 0, wt, wtBase + row * tw.taps * mg, mg, mg, alongW,
                        row * tw.t * mg, mg);
            }
            for (int kd = 0; kd < td.taps; kd++) {
                for (int cc = 0; cc < tw.t; cc++) {
                    int src = (kd * th.taps * tw.t + cc) * mg;
                    if (depth) {
                        backend.linearRows(th.t, th.taps, gh, 0, alongW, src, tw.t * mg, mg, alongH,
                                (kd * plane + cc) * mg, tw.t * mg);
                    } else { // 1D and 2D: H is the last axis, position b * tw.t + cc
                        backend.linearRows(th.t, th.taps, gh, 0, alongW, src, tw.t * mg, mg, u, cc * ps + c * mg,
                                tw.t * ps);
                    }
                }
            }
            if (depth) {
                for (int q = 0; q < plane; q++) {
                    backend.linearRows(td.t, td.taps, gd, 0, alongH, q * mg, plane * mg, mg, u, q * ps + c * mg,
                            plane * ps);
                }
            }
        }
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
