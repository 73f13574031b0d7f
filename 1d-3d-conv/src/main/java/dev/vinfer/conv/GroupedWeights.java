package dev.vinfer.conv;

/**
 * Per-group weights packed once as GEMM A operands ({@code M/G x K} each) plus the bias and epilogue applied to
 * each finished output row: the part shared by {@link Im2colConv} and {@link PointwiseConv}.
 */
final class GroupedWeights {
    /**
     * Whether {@link #multiplyPointwise} uses the backend's fused pointwise product ({@link Backend#pointwiseFused})
     * where it has one; {@code -Dvinfer.pointwiseFused=false} turns it off (to measure the two against each other).
     * Measured in bench/README.md, "Pointwise layers, session 4": a tie on layers whose output stays in L2, 15-16%
     * less CPU time on those whose output does not (16->96 @112x112, ResNet-50's 64->256 @56x56 with its residual).
     */
    static final boolean FUSED = !"false".equals(System.getProperty("vinfer.pointwiseFused"));

    private final PackedMatrix[] groups;
    private final float[] bias;
    private final Epilogue epilogue;
    private final Backend backend;
    final int rowsPerGroup;

    /** {@code weights[wOff...]} holds {@code groups} row-major blocks of {@code rowsPerGroup x k}. */
    GroupedWeights(Backend backend, int groups, int rowsPerGroup, int k, float[] weights, int wOff, float[] bias,
            Epilogue epilogue) {
        this.backend = backend;
        this.rowsPerGroup = rowsPerGroup;
        this.groups = new PackedMatrix[groups];
        for (int g = 0; g < groups; g++) {
            this.groups[g] = backend.packA(false, rowsPerGroup, k, weights, wOff + g * rowsPerGroup * k, k);
        }
        this.bias = bias;
        this.epilogue = epilogue;
    }

    int alignment() {
        return groups[0].alignment();
    }

    /**
     * As {@link #multiply} for a B that is a layer's input itself (a 1x1 convolution): where the backend has a fused
     * form ({@link Backend#pointwiseFused}: B read in place, each output tile written once with residual, bias and
     * activation applied in registers) that runs, otherwise the product and then passes over the finished rows.
     */
    void multiplyPointwise(int g, int r0, int r1, int cols, float[] b, int bOff, int ldb, float[] out, int outRow0,
            int outStride, float[] res, int resDelta) {
        if (FUSED && backend.pointwiseFused(groups[g], r0, r1, cols, b, bOff, ldb, out, outRow0, outStride, bias,
                g * rowsPerGroup, epilogue, res, resDelta)) {
            return;
        }
        multiply(g, r0, r1, cols, b, bOff, ldb, out, outRow0, outStride, res, resDelta);
    }

    /**
     * Output rows {@code [r0, r1)} of group {@code g} for {@code cols} pixels: {@code out = W_g[r0:r1] x B}, then
     * bias and epilogue while the rows are still in cache. {@code out[outRow0]} is row r0's first pixel; output
     * rows are {@code outStride} apart. A non-null {@code res} is added first ({@code res[o + resDelta]} to
     * output index o).
     */
    void multiply(int g, int r0, int r1, int cols, float[] b, int bOff, int ldb, float[] out, int outRow0,
            int outStride, float[] res, int resDelta) {
        backend.gemmPackedA(groups[g], r0, r1, false, cols, b, bOff, ldb, out, outRow0, outStride, false);
        if (bias == null && epilogue.isIdentity() && res == null) {
            return;
        }
        for (int r = r0; r < r1; r++) {
            int row = outRow0 + (r - r0) * outStride;
            if (res != null) {
                backend.axpy(cols, 1f, res, row + resDelta, 1, out, row);
            }
            float bv = bias == null ? 0f : bias[g * rowsPerGroup + r];
            backend.biasEpilogue(out, row, cols, bv, epilogue);
        }
    }
}
