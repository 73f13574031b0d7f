package dev.vinfer.conv;

import java.util.Arrays;

/**
 * Transposed convolution as GEMM + col2im. For image n and group g, with the group's weights
 * {@code W_g: C/G x (M/G * kernel)} packed once as the A operand {@code W_g^T}, the column matrix
 * {@code W_g^T x input_g} ({@code M/G * kernel} rows x input pixels) holds every (output channel, tap, input
 * pixel) contribution; {@link Col2im} adds them into the output, which starts at the bias. The epilogue runs once a
 * plane is complete.
 *
 * <p>Tasks are (image, group, slice of output channels), so no two tasks add into the same output. Within a task
 * the input pixels are taken in chunks so the column buffer stays near {@link #COLUMN_BUDGET} floats (a
 * {@link ThreadLocal}, grown on demand and kept: at most {@code max(COLUMN_BUDGET, rows)} floats per thread).
 */
final class Col2imConvTranspose extends PreparedConv {
    static final int COLUMN_BUDGET = 1 << 18;

    private static final ThreadLocal<float[][]> COLUMNS = ThreadLocal.withInitial(() -> new float[1][0]);

    private final ConvTransposeGeometry g;
    private final Shape3 s;
    private final PackedMatrix[] groups;
    private final float[] bias;
    private final Epilogue epilogue;

    Col2imConvTranspose(ConvTransposeGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.GEMM_COL2IM, backend, g.inputLength(), g.outputLength());
        this.g = g;
        this.s = Shape3.of(g);
        this.bias = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.epilogue = e;
        int cg = g.inChannelsPerGroup();
        int rows = g.outChannelsPerGroup() * g.kernelSize();
        this.groups = new PackedMatrix[g.group()];
        for (int gi = 0; gi < g.group(); gi++) {
            // W_g is stored C/G x rows; transA packs its transpose (rows x C/G) as the left operand.
            groups[gi] = backend.packA(true, rows, cg, w, wOff + gi * cg * rows, rows);
        }
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int units = g.batch() * g.group();
        int mg = g.outChannelsPerGroup();
        int slices = units >= p.threads() ? 1 : Math.min(mg, Math.ceilDiv(p.threads(), units));
        int perSlice = Math.ceilDiv(mg, slices);
        int sliceCount = Math.ceilDiv(mg, perSlice);
        p.forEach(units * sliceCount, t -> {
            int unit = t / sliceCount;
            int m0 = t % sliceCount * perSlice;
            slice(unit / g.group(), unit % g.group(), m0, Math.min(mg, m0 + perSlice), in, inOff, out, outOff, res,
                    resDelta);
        });
    }

    /** Output channels {@code [m0, m1)} of group gi of image n. */
    private void slice(int n, int gi, int m0, int m1, float[] in, int inOff, float[] out, int outOff, float[] res,
            int resDelta) {
        int ks = s.kernelSize();
        int inPixels = s.inPlane();
        int outPlane = s.outPlane();
        int mg = g.outChannelsPerGroup();
        int channels = m1 - m0;
        int outBase = outOff + (n * g.outChannels() + gi * mg + m0) * outPlane;
        for (int c = 0; c < channels; c++) {
            float b = bias == null ? 0f : bias[gi * mg + m0 + c];
            Arrays.fill(out, outBase + c * outPlane, outBase + (c + 1) * outPlane, b);
        }
        PackedMatrix a = groups[gi];
        // The packed rows of this slice, widened down to the panel boundary the packed multiply requires.
        int rowEnd = m1 * ks;
        int rowBegin = m0 * ks / a.alignment() * a.alignment();
        int rows = rowEnd - rowBegin;
        int skip = m0 * ks - rowBegin;
        int chunk = Math.max(1, Math.min(inPixels, COLUMN_BUDGET / rows));
        float[] col = columns(rows * chunk);
        int inBase = inOff + (n * g.inChannels() + gi * g.inChannelsPerGroup()) * inPixels;
        for (int p0 = 0; p0 < inPixels; p0 += chunk) {
            int np = Math.min(chunk, inPixels - p0);
            backend.gemmPackedA(a, rowBegin, rowEnd, false, np, in, inBase + p0, inPixels, col, 0, np, false);
            Col2im.add(s, col, skip * np, channels, p0, np, out, outBase);
        }
        if (res != null) {
            for (int c = 0; c < channels; c++) {
                addResidual(out, outBase + c * outPlane, outPlane, res, resDelta);
            }
        }
        if (!epilogue.isIdentity()) {
            for (int c = 0; c < channels; c++) {
                backend.biasEpilogue(out, outBase + c * outPlane, outPlane, 0f, epilogue);
            }
        }
    }

    private static float[] columns(int size) {
        float[][] holder = COLUMNS.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }
}
