package dev.vinfer.conv;

/**
 * The NCHWc kernels computed value by value: the default bodies of {@link Backend}'s NCHWc methods (the scalar
 * backend runs them) and the reference the vector paths are tested against ({@code NchwcConvTest}). Argument
 * meanings are those of the {@link Backend} methods.
 */
final class NchwcReference {
    private NchwcReference() {
    }

    /** See {@link Backend#nchwcPack}. */
    static void pack(int lanes, int spatial, float[] src, int sOff, float[] dst, int dOff) {
        for (int i = 0; i < spatial; i++) {
            int d = dOff + i * NchwcLayout.BLOCK;
            for (int c = 0; c < lanes; c++) {
                dst[d + c] = src[sOff + c * spatial + i];
            }
            java.util.Arrays.fill(dst, d + lanes, d + NchwcLayout.BLOCK, 0f);
        }
    }

    /** See {@link Backend#nchwcUnpack}. */
    static void unpack(int lanes, int spatial, float[] src, int sOff, float[] dst, int dOff) {
        for (int c = 0; c < lanes; c++) {
            for (int i = 0; i < spatial; i++) {
                dst[dOff + c * spatial + i] = src[sOff + i * NchwcLayout.BLOCK + c];
            }
        }
    }

    /** See {@link Backend#nchwcStemRow}. */
    static void stemRow(int depth, int outBlocks, float[] w, int wOff, float[] bias, float[] src, int srcOff,
            int[] tapOff, int outW, float[] y, int yOff, int plane, int blockBegin, int blockEnd, float lo, float hi) {
        int b16 = NchwcLayout.BLOCK;
        for (int b = blockBegin; b < blockEnd; b++) {
            int g0 = b / 2 * 2;
            int ld = Math.min(2, outBlocks - g0) * b16;
            for (int ox = 0; ox < outW; ox++) {
                for (int l = 0; l < b16; l++) {
                    int col = b * b16 + l;
                    int wb = wOff + g0 * depth * b16 + col - g0 * b16;
                    float sum = 0f;
                    for (int k = 0; k < depth; k++) {
                        sum += w[wb + k * ld] * src[srcOff + tapOff[k] + ox];
                    }
                    y[yOff + (b * plane + ox) * b16 + l] = Math.min(Math.max(sum + bias[col], lo), hi);
                }
            }
        }
    }

    /** See {@link Backend#nchwcPointwise}. */
    static void pointwise(int c, int pixels, int outChannels, int group, float[] w, int wOff, float[] bias, float[] x,
            int xOff, float[] res, int resDelta, float[] y, int yOff, int pxBegin, int pxEnd, int blockBegin,
            int blockEnd, float lo, float hi) {
        int b16 = NchwcLayout.BLOCK;
        int outBlocks = NchwcLayout.blocks(outChannels);
        int plane = pixels * b16;
        for (int ob = blockBegin; ob < blockEnd; ob++) {
            int g0 = ob / group * group;
            int ld = Math.min(group, outBlocks - g0) * b16;
            int wb = wOff + g0 * c * b16 + (ob - g0) * b16;
            for (int px = pxBegin; px < pxEnd; px++) {
                int o = yOff + ob * plane + px * b16;
                for (int l = 0; l < b16; l++) {
                    if (ob * b16 + l >= outChannels) {
                        y[o + l] = 0f;
                        continue;
                    }
                    float s = 0f;
                    for (int k = 0; k < c; k++) {
                        s += w[wb + k * ld + l] * x[xOff + (k / b16) * plane + px * b16 + k % b16];
                    }
                    if (res != null) {
                        s += res[o + l + resDelta];
                    }
                    s += bias[ob * b16 + l];
                    y[o + l] = Math.min(Math.max(s, lo), hi);
                }
            }
        }
    }

    /** See {@link Backend#nchwcDepthwise}. */
    static void depthwise(ConvGeometry g, float[] coef, int cOff, float[] bias, int bOff, int lanes, float[] src,
            int sOff, float[] dst, int dOff, int rowBegin, int rowEnd, float lo, float hi) {
        int b16 = NchwcLayout.BLOCK;
        int ih = g.inputDim(0);
        int iw = g.inputDim(1);
        int ow = g.outputDim(1);
        int kh = g.kernel(0);
        int kw = g.kernel(1);
        for (int y = rowBegin; y < rowEnd; y++) {
            for (int x = 0; x < ow; x++) {
                for (int l = 0; l < b16; l++) {
                    int o = dOff + (y * ow + x) * b16 + l;
                    if (l >= lanes) {
                        dst[o] = 0f;
                        continue;
                    }
                    float s = 0f;
                    for (int dy = 0; dy < kh; dy++) {
                        int yy = y * g.stride(0) - g.padBegin(0) + dy * g.dilation(0);
                        if (yy < 0 || yy >= ih) {
                            continue;
                        }
                        for (int dx = 0; dx < kw; dx++) {
                            int xx = x * g.stride(1) - g.padBegin(1) + dx * g.dilation(1);
                            if (xx < 0 || xx >= iw) {
                                continue;
                            }
                            s += coef[cOff + (dy * kw + dx) * b16 + l] * src[sOff + (yy * iw + xx) * b16 + l];
                        }
                    }
                    dst[o] = Math.min(Math.max(s + bias[bOff + l], lo), hi);
                }
            }
        }
    }

    /** See {@link Backend#nchwcDirect}. */
    static void direct(ConvGeometry g, int rows, int cols, int group, float[] w, int wOff, float[] bias, float[] x,
            int xOff, float[] res, int resDelta, float[] y, int yOff, int rowBegin, int rowEnd, int blockBegin,
            int blockEnd, float lo, float hi) {
        int b16 = NchwcLayout.BLOCK;
        int c = g.inChannels();
        int m = g.outChannels();
        int outBlocks = NchwcLayout.blocks(m);
        int oh = g.outputDim(0);
        int ow = g.outputDim(1);
        int kh = g.kernel(0);
        int kw = g.kernel(1);
        int taps = kh * kw;
        int s = g.stride(1);
        int pc = cols / s;
        for (int ob = blockBegin; ob < blockEnd; ob++) {
            int g0 = ob / group * group;
            int ld = Math.min(group, outBlocks - g0) * b16;
            int wb = wOff + g0 * c * taps * b16 + (ob - g0) * b16;
            for (int oy = rowBegin; oy < rowEnd; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int o = yOff + ((ob * oh + oy) * ow + ox) * b16;
                    for (int l = 0; l < b16; l++) {
                        if (ob * b16 + l >= m) {
                            y[o + l] = 0f;
                            continue;
                        }
                        float sum = 0f;
                        for (int k = 0; k < c; k++) {
                            int cb = k / b16;
                            int kn = Math.min(b16, c - cb * b16);
                            for (int ky = 0; ky < kh; ky++) {
                                int r = oy * g.stride(0) + ky * g.dilation(0);
                                for (int kx = 0; kx < kw; kx++) {
                                    int q = ox * s + kx * g.dilation(1);
                                    int row = cb * b16 * taps + (ky * kw + kx) * kn + k % b16;
                                    int at = ((cb * rows + r) * cols + q % s * pc + q / s) * b16 + k % b16;
                                    sum += w[wb + row * ld + l] * x[xOff + at];
                                }
                            }
                        }
                        if (res != null) {
                            sum += res[o + l + resDelta];
                        }
                        sum += bias[ob * b16 + l];
                        y[o + l] = Math.min(Math.max(sum, lo), hi);
                    }
                }
            }
        }
    }

    /** See {@link Backend#nchwcMaxPool}. */
    static void maxPool(NchwcMaxPool pool, int lanes, float[] src, int sOff, float[] dst, int dOff, int rowBegin,
            int rowEnd) {
        int b16 = NchwcLayout.BLOCK;
        int ih = pool.inH();
        int iw = pool.inW();
        int ow = pool.outW();
        for (int y = rowBegin; y < rowEnd; y++) {
            for (int x = 0; x < ow; x++) {
                int o = dOff + (y * ow + x) * b16;
                for (int l = 0; l < b16; l++) {
                    dst[o + l] = l < lanes ? window(pool, src, sOff + l, y, x) : 0f;
                }
            }
        }
    }

    /** The max pool of one lane ({@code src[lane + (row * W + col) * 16]}) at output (y, x), ONNX semantics. */
    static float window(NchwcMaxPool pool, float[] src, int lane, int y, int x) {
        int b16 = NchwcLayout.BLOCK;
        float best = Float.NEGATIVE_INFINITY;
        boolean inside = false;
        boolean number = false;
        for (int ky = 0; ky < pool.kernelH(); ky++) {
            int yy = y * pool.strideH() - pool.padTop() + ky * pool.dilationH();
            if (yy < 0 || yy >= pool.inH()) {
                continue;
            }
            for (int kx = 0; kx < pool.kernelW(); kx++) {
                int xx = x * pool.strideW() - pool.padLeft() + kx * pool.dilationW();
                if (xx < 0 || xx >= pool.inW()) {
                    continue;
                }
                float v = src[lane + (yy * pool.inW() + xx) * b16];
                inside = true;
                if (v == v) {
                    number = true;
                    if (v > best) {
                        best = v;
                    }
                }
            }
        }
        return inside && !number ? Float.NaN : best;
    }

    /** See {@link Backend#nchwcAverage}. */
    static void average(int channels, int spatial, float[] src, int sOff, float[] dst, int dOff) {
        int b16 = NchwcLayout.BLOCK;
        for (int c = 0; c < channels; c++) {
            float s = 0f;
            for (int p = 0, i = sOff + (c / b16) * spatial * b16 + c % b16; p < spatial; p++, i += b16) {
                s += src[i];
            }
            dst[dOff + c] = s / spatial;
        }
    }

    /** See {@link Backend#nchwcWinogradInput}. */
    static void winogradInput(int t, int m, float[] bt, float[] x, int xOff, int cols, int tilesPerRow, int tile0,
            int tiles, float[] v, int vOff, int posStride, float[] tmp, int tmpOff) {
        int b16 = NchwcLayout.BLOCK;
        for (int i = 0; i < tiles; i++) {
            int tile = tile0 + i;
            int origin = xOff + ((tile / tilesPerRow) * m * cols + (tile % tilesPerRow) * m) * b16;
            // along H: tmp[q][j] = sum_k bt[q][k] * x(k, j)
            for (int q = 0; q < t; q++) {
                for (int j = 0; j < t; j++) {
                    for (int l = 0; l < b16; l++) {
                        float s = 0f;
                        for (int k = 0; k < t; k++) {
                            s += bt[q * t + k] * x[origin + (k * cols + j) * b16 + l];
                        }
                        tmp[tmpOff + (q * t + j) * b16 + l] = s;
                    }
                }
            }
            // along W: v[q * t + r] = sum_j bt[r][j] * tmp[q][j]
            for (int q = 0; q < t; q++) {
                for (int r = 0; r < t; r++) {
                    int d = vOff + (q * t + r) * posStride + i * b16;
                    for (int l = 0; l < b16; l++) {
                        float s = 0f;
                        for (int j = 0; j < t; j++) {
                            s += bt[r * t + j] * tmp[tmpOff + (q * t + j) * b16 + l];
                        }
                        v[d + l] = s;
                    }
                }
            }
        }
    }

    /** See {@link Backend#nchwcWinogradOutput}. */
    static void winogradOutput(int t, int m, float[] at, float[] o, int oOff, int posStride, int tilesPerRow,
            int tile0, int tiles, float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int oh,
            int ow, int lanes, float lo, float hi, float[] tmp, int tmpOff) {
        int b16 = NchwcLayout.BLOCK;
        for (int i = 0; i < tiles; i++) {
            int tile = tile0 + i;
            int ty = tile / tilesPerRow * m;
            int tx = tile % tilesPerRow * m;
            // along H: tmp[a][j] = sum_k at[a][k] * o(k, j)
            for (int a = 0; a < m; a++) {
                for (int j = 0; j < t; j++) {
                    for (int l = 0; l < b16; l++) {
                        float s = 0f;
                        for (int k = 0; k < t; k++) {
                            s += at[a * t + k] * o[oOff + (k * t + j) * posStride + i * b16 + l];
                        }
                        tmp[tmpOff + (a * t + j) * b16 + l] = s;
                    }
                }
            }
            // along W, then the residual, bias and clamp, into the outputs inside the plane
            for (int a = 0; a < m && ty + a < oh; a++) {
                for (int b = 0; b < m && tx + b < ow; b++) {
                    int d = yOff + ((ty + a) * ow + tx + b) * b16;
                    for (int l = 0; l < b16; l++) {
                        float s = 0f;
                        for (int j = 0; j < t; j++) {
                            s += at[b * t + j] * tmp[tmpOff + (a * t + j) * b16 + l];
                        }
                        if (res != null) {
                            s += res[d + resDelta + l];
                        }
                        s += bias[bOff + l];
                        y[d + l] = l < lanes ? Math.min(Math.max(s, lo), hi) : 0f;
                    }
                }
            }
        }
    }
}
