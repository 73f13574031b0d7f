package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** axpy and the bias + epilogue pass on every backend, at lengths around the vector width (tails). */
class BackendPrimitivesTest {

    @Test
    void biasEpilogueMatchesEpilogueApply() {
        Epilogue[] all = {Epilogue.NONE, Epilogue.RELU, Epilogue.clip(-0.25f, 0.5f), Epilogue.leakyRelu(0.2f),
            Epilogue.clip(Float.NEGATIVE_INFINITY, 6f), Epilogue.SIGMOID, Epilogue.hardSigmoid(0.3f, 0.4f),
            Epilogue.HARD_SWISH, Epilogue.TANH};
        for (Backend be : TestSupport.backends()) {
            for (Epilogue e : all) {
                for (int len = 0; len <= 40; len++) {
                    long seed = 7000 + len;
                    Random r = new Random(seed);
                    float[] x = random(r, len + 4);
                    x[2] = Float.NaN;
                    float bias = r.nextFloat() - 0.5f;
                    float[] want = x.clone();
                    for (int i = 2; i < 2 + len; i++) {
                        want[i] = e.apply(want[i] + bias);
                    }
                    be.biasEpilogue(x, 2, len, bias, e);
                    for (int i = 0; i < x.length; i++) {
                        // The same float operations in the same order: results must be identical, NaN included;
                        // except Sigmoid and Tanh, whose vector exp and tanh (the platform's vector math library)
                        // may differ from Math's by an ulp or two.
                        String where = be.name() + " " + e + " len=" + len + " seed=" + seed + " i=" + i;
                        if ((e.kind() == Epilogue.Kind.SIGMOID || e.kind() == Epilogue.Kind.TANH)
                                && !Float.isNaN(want[i])) {
                            assertEquals(want[i], x[i], 4 * Math.ulp(want[i]), where);
                        } else {
                            assertEquals(want[i], x[i], where);
                        }
                    }
                }
            }
        }
    }

    /** The blocked per-channel affine map (+ Relu): exactly fma then max per lane, NaN, infinities and -0 included. */
    @Test
    void nchwcScaleShiftIsAnFmaPerLane() {
        for (Backend be : TestSupport.backends()) {
            for (int positions = 0; positions <= 9; positions++) {
                for (boolean relu : new boolean[] {false, true}) {
                    long seed = 7100 + 10 * positions + (relu ? 1 : 0);
                    Random r = new Random(seed);
                    int inOff = r.nextInt(20);
                    int outOff = r.nextInt(20);
                    int abOff = r.nextInt(40);
                    float[] in = random(r, inOff + 16 * positions + 3);
                    float[] a = random(r, abOff + 16 + 2);
                    float[] b = random(r, abOff + 16 + 2);
                    if (positions > 0) {
                        in[inOff] = Float.NaN;
                        in[inOff + 16 * positions - 1] = Float.NEGATIVE_INFINITY;
                    }
                    a[abOff + 3] = -0f;
                    b[abOff + 3] = -0f;
                    float[] out = random(r, outOff + 16 * positions + 5);
                    float[] want = out.clone();
                    for (int p = 0; p < positions; p++) {
                        for (int l = 0; l < 16; l++) {
                            float y = Math.fma(in[inOff + 16 * p + l], a[abOff + l], b[abOff + l]);
                            want[outOff + 16 * p + l] = relu ? Math.max(y, 0f) : y;
                        }
                    }
                    be.nchwcScaleShift(in, inOff, out, outOff, positions, a, b, abOff, relu);
                    for (int i = 0; i < out.length; i++) {
                        assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(out[i]),
                                be.name() + " positions=" + positions + " relu=" + relu + " seed=" + seed + " i=" + i);
                    }
                }
            }
            float[] x = new float[32];
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> be.nchwcScaleShift(x, 17, x, 0, 1, x, x, 0, false), be.name());
        }
    }

    /** A blocked average-pool row: the taps summed in float, rows first, then divided by their count, bit for bit. */
    @Test
    void nchwcAverageRowSumsTheWindowInOrder() {
        int[][] windows = {{2, 2, 2}, {3, 3, 2}, {1, 3, 1}, {3, 1, 3}, {2, 2, 1}};
        for (Backend be : TestSupport.backends()) {
            for (int[] wdw : windows) {
                for (int cols = 0; cols <= 5; cols++) {
                    int kh = wdw[0];
                    int kw = wdw[1];
                    int stride = wdw[2];
                    long seed = 7200 + 100 * kh + 10 * kw + cols;
                    Random r = new Random(seed);
                    int width = (Math.max(cols, 1) - 1) * stride + kw + r.nextInt(3);
                    int rowStride = width * 16;
                    int inOff = r.nextInt(9);
                    int outOff = r.nextInt(9);
                    float[] in = random(r, inOff + kh * rowStride + 5);
                    in[inOff + 1] = Float.NaN;
                    float[] out = random(r, outOff + 16 * cols + 3);
                    float[] want = out.clone();
                    for (int j = 0; j < cols; j++) {
                        for (int l = 0; l < 16; l++) {
                            int base = inOff + j * stride * 16 + l;
                            float sum = in[base];
                            for (int y = 0; y < kh; y++) {
                                for (int x = y == 0 ? 1 : 0; x < kw; x++) {
                                    sum += in[base + y * rowStride + x * 16];
                                }
                            }
                            want[outOff + 16 * j + l] = sum / (kh * kw);
                        }
                    }
                    be.nchwcAverageRow(in, inOff, rowStride, kh, kw, stride, cols, out, outOff);
                    for (int i = 0; i < out.length; i++) {
                        assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(out[i]), be.name() + " window "
                                + kh + "x" + kw + "/" + stride + " cols=" + cols + " seed=" + seed + " i=" + i);
                    }
                }
            }
            float[] x = new float[64];
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> be.nchwcAverageRow(x, 0, 32, 2, 2, 2, 2, x, 0), be.name() + ": reads past the input");
        }
    }

    /** Rows around the vector width (gathered vectors plus scalar tails), any columns, offsets and pitches. */
    @Test
    void transposeMatchesDefinition() {
        for (Backend be : TestSupport.backends()) {
            for (int rows = 0; rows <= 37; rows += 3) {
                long seed = 7300 + rows;
                Random r = new Random(seed);
                int cols = 1 + r.nextInt(20);
                int ldSrc = cols + r.nextInt(40);
                int ldDst = rows + r.nextInt(5);
                int sOff = r.nextInt(7);
                int dOff = r.nextInt(7);
                float[] src = random(r, sOff + rows * ldSrc + 3);
                checkTranspose(be, src, sOff, ldSrc, rows, cols, dOff, ldDst, " seed=" + seed);
            }
            assertThrows(IllegalArgumentException.class, () -> be.transpose(new float[10], 0, 5, 3, 5, new float[15],
                    0, 3));
        }
    }

    /**
     * Column counts that are whole vectors (the in-register block path with 16 or 8 lanes; 4 lanes and the scalar
     * backend take the other paths on the same cases): rows below, at and above whole blocks, pitches that are and
     * are not multiples of the lane count, NaN and infinities carried bit for bit.
     */
    @Test
    void transposeOfWholeVectorColumnsMatchesDefinition() {
        int[] colCounts = {8, 16, 24, 32, 48};
        int[] rowCounts = {0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 49, 64, 196};
        for (Backend be : TestSupport.backends()) {
            for (int cols : colCounts) {
                for (int rows : rowCounts) {
                    long seed = 7400L + 1000L * cols + rows;
                    Random r = new Random(seed);
                    int ldSrc = cols + (r.nextBoolean() ? 0 : 1 + r.nextInt(33));
                    int ldDst = rows + (r.nextBoolean() ? 0 : 1 + r.nextInt(17));
                    int sOff = r.nextInt(5);
                    int dOff = r.nextInt(5);
                    float[] src = random(r, sOff + rows * ldSrc + 2);
                    if (src.length > sOff + 3) {
                        src[sOff] = Float.NaN;
                        src[sOff + 1] = Float.NEGATIVE_INFINITY;
                        src[src.length - 3] = -0f;
                    }
                    checkTranspose(be, src, sOff, ldSrc, rows, cols, dOff, ldDst,
                            " cols=" + cols + " rows=" + rows + " seed=" + seed);
                }
            }
        }
    }

    /**
     * Transposes {@code rows x cols} of src into a destination filled with a marker and compares every element of
     * it, bit for bit, with the definition (elements outside the result must keep the marker).
     */
    private static void checkTranspose(Backend be, float[] src, int sOff, int ldSrc, int rows, int cols, int dOff,
            int ldDst, String ctx) {
        float[] dst = new float[dOff + cols * ldDst + 3];
        java.util.Arrays.fill(dst, 12345f);
        float[] want = dst.clone();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                want[dOff + j * ldDst + i] = src[sOff + i * ldSrc + j];
            }
        }
        be.transpose(src, sOff, ldSrc, rows, cols, dst, dOff, ldDst);
        for (int i = 0; i < dst.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(dst[i]), be.name() + ctx + " i=" + i);
        }
    }

    @Test
    void combineMatchesDefinition() {
        for (Backend be : TestSupport.backends()) {
            for (int len = 0; len <= 70; len += 3) {
                long seed = 7500 + len;
                Random r = new Random(seed);
                int ins = 1 + r.nextInt(9);
                int outs = 1 + r.nextInt(6);
                float[] coef = random(r, outs * ins);
                coef[r.nextInt(coef.length)] = 0f; // zero coefficients are skipped
                float[] src = random(r, ins * len + 10);
                int[] so = new int[ins];
                for (int k = 0; k < ins; k++) {
                    so[k] = r.nextInt(src.length - len + 1);
                }
                boolean acc = r.nextBoolean();
                float[] dst = random(r, outs * (len + 2) + 3);
                int[] dso = new int[outs];
                for (int o = 0; o < outs; o++) {
                    dso[o] = 3 + o * (len + 2);
                }
                float[] want = dst.clone();
                for (int o = 0; o < outs; o++) {
                    for (int i = 0; i < len; i++) {
                        double sum = acc ? want[dso[o] + i] : 0;
                        for (int k = 0; k < ins; k++) {
                            sum += (double) coef[o * ins + k] * src[so[k] + i];
                        }
                        want[dso[o] + i] = (float) sum;
                    }
                }
                be.combine(outs, ins, coef, src, so, dst, dso, len, acc);
                for (int i = 0; i < dst.length; i++) {
                    assertEquals(want[i], dst[i], 1e-5, be.name() + " combine len=" + len + " seed=" + seed + " i="
                            + i);
                }
            }
            assertThrows(IndexOutOfBoundsException.class, () -> be.combine(1, 1, new float[] {1}, new float[4],
                    new int[] {2}, new float[4], new int[] {0}, 3, false));
        }
    }

    /**
     * {@link Backend#maxRuns} against its definition: runs of 2 and 4, row lengths below, at and past whole vectors
     * (tails), several rows with pitches wider than the runs, NaN taps (NaN out, as Math.max) and -inf.
     */
    @Test
    void maxRunsMatchDefinition() {
        for (Backend be : TestSupport.backends()) {
            for (int k : new int[] {2, 4}) {
                for (int cols = 0; cols <= 70; cols += cols < 20 ? 1 : 7) {
                    long seed = 7300 + 100 * k + cols;
                    Random r = new Random(seed);
                    int rows = 1 + cols % 3;
                    int sPitch = k * cols + cols % 5;
                    int dPitch = cols + 2;
                    float[] src = random(r, 3 + rows * sPitch + k);
                    if (src.length > 10) {
                        src[7] = Float.NaN;
                        src[9] = Float.NEGATIVE_INFINITY;
                    }
                    float[] dst = new float[1 + rows * dPitch];
                    java.util.Arrays.fill(dst, 42f);
                    be.maxRuns(k, src, 3, sPitch, rows, cols, dst, 1, dPitch);
                    for (int row = 0; row < rows; row++) {
                        for (int i = 0; i < dPitch; i++) {
                            float want = 42f;
                            if (i < cols) {
                                int x = 3 + row * sPitch + k * i;
                                want = src[x];
                                for (int t = 1; t < k; t++) {
                                    want = Math.max(want, src[x + t]);
                                }
                            }
                            assertEquals(want, dst[1 + row * dPitch + i], be.name() + " seed " + seed + " k " + k
                                    + " cols " + cols + " row " + row + " i " + i);
                        }
                    }
                    assertEquals(42f, dst[0], be.name() + ": wrote before the output");
                }
            }
            // rows shorter than a vector stored back to back (a 1-d pool's whole rows): nothing written past the
            // call's output, the input read up to its array's last value
            for (int k : new int[] {2, 4}) {
                for (int cols = 1; cols <= 17; cols++) {
                    long seed = 7900 + 100 * k + cols;
                    Random r = new Random(seed);
                    int rows = 1 + r.nextInt(40);
                    int sPitch = k * cols + r.nextInt(3);
                    float[] src = random(r, 2 + (rows - 1) * sPitch + k * cols);
                    float[] dst = new float[2 + rows * cols + 5];
                    java.util.Arrays.fill(dst, 42f);
                    be.maxRuns(k, src, 2, sPitch, rows, cols, dst, 2, cols);
                    for (int o = 0; o < dst.length; o++) {
                        float want = 42f;
                        if (o >= 2 && o < 2 + rows * cols) {
                            int x = 2 + (o - 2) / cols * sPitch + k * ((o - 2) % cols);
                            want = src[x];
                            for (int t = 1; t < k; t++) {
                                want = Math.max(want, src[x + t]);
                            }
                        }
                        assertEquals(want, dst[o], be.name() + " seed " + seed + " k " + k + " cols " + cols
                                + " rows " + rows + " at " + o);
                    }
                }
            }
            assertThrows(IllegalArgumentException.class,
                    () -> be.maxRuns(3, new float[12], 0, 12, 1, 4, new float[4], 0, 4));
            assertThrows(IllegalArgumentException.class,
                    () -> be.maxRuns(4, new float[15], 0, 16, 1, 4, new float[4], 0, 4));
        }
    }

    @Test
    void axpyMatchesDefinition() {
        for (Backend be : TestSupport.backends()) {
            for (int inc = 1; inc <= 3; inc++) {
                for (int n = 0; n <= 37; n++) {
                    long seed = 7100 + 100L * inc + n;
                    Random r = new Random(seed);
                    float[] x = random(r, 3 + n * inc);
                    float[] y = random(r, n + 5);
                    float alpha = r.nextFloat();
                    float[] want = y.clone();
                    for (int i = 0; i < n; i++) {
                        want[4 + i] = (float) (want[4 + i] + (double) alpha * x[1 + i * inc]);
                    }
                    be.axpy(n, alpha, x, 1, inc, y, 4);
                    // One product and one sum per element (fused or not): within 2 ulp-ish of the double result.
                    TestSupport.assertClose(be.name() + " inc=" + inc + " n=" + n + " seed=" + seed, 2, want, 0, y,
                            0, y.length);
                }
            }
            assertThrows(IndexOutOfBoundsException.class, () -> be.axpy(4, 1f, new float[3], 0, 1, new float[4], 0));
            assertThrows(IllegalArgumentException.class, () -> be.axpy(4, 1f, new float[8], 0, 0, new float[4], 0));
        }
    }

    /** Phase split and join for every Winograd stride, counts around whole vectors, exact copies both ways. */
    @Test
    void deinterleaveAndInterleaveAreExactInverses() {
        for (Backend be : TestSupport.backends()) {
            for (int phases : new int[] {1, 2, 3, 4, 6}) {
                for (int count : new int[] {0, 1, 7, 15, 16, 17, 31, 32, 33, 70}) {
                    long seed = 7300 + 100L * phases + count;
                    Random r = new Random(seed);
                    String where = be.name() + " phases=" + phases + " count=" + count + " seed=" + seed;
                    int stride = count + r.nextInt(3);
                    float[] src = random(r, 2 + phases * count);
                    float[] rows = new float[3 + phases * stride];
                    java.util.Arrays.fill(rows, Float.NaN);
                    be.deinterleave(phases, count, src, 2, rows, 3, stride);
                    for (int p = 0; p < phases; p++) {
                        for (int j = 0; j < stride; j++) {
                            float got = rows[3 + p * stride + j];
                            if (j < count) {
                                assertEquals(src[2 + j * phases + p], got, where + " p=" + p + " j=" + j);
                            } else if (p < phases - 1 || j < count) {
                                assertEquals(Float.NaN, got, where + ": wrote a gap slot p=" + p + " j=" + j);
                            }
                        }
                    }
                    float[] back = new float[1 + phases * count + 1];
                    java.util.Arrays.fill(back, Float.NaN);
                    be.interleave(phases, count, rows, 3, stride, back, 1);
                    for (int i = 0; i < phases * count; i++) {
                        assertEquals(src[2 + i], back[1 + i], where + " joined i=" + i);
                    }
                    assertEquals(Float.NaN, back[0], where);
                    assertEquals(Float.NaN, back[back.length - 1], where);
                }
            }
            assertThrows(IndexOutOfBoundsException.class,
                    () -> be.deinterleave(4, 5, new float[19], 0, new float[40], 0, 10));
            assertThrows(IllegalArgumentException.class,
                    () -> be.interleave(2, 5, new float[20], 0, 4, new float[10], 0));
        }
    }

    /**
     * The clipped phase split against its definition, for every Winograd stride, counts around whole vectors, one
     * to three rows, and spans that start before the row, end past it, lie wholly outside it, or cover padding rows
     * (width 0); the rows sit in a NaN-filled array (NaN between them and at both ends, rows at the array's very
     * start and end too), so a value read from outside a row shows; nothing outside the phase rows is written.
     */
    @Test
    void clippedDeinterleaveReadsOnlyTheRowsAndZeroPads() {
        for (Backend be : TestSupport.backends()) {
            for (int phases : new int[] {2, 4, 6}) {
                for (int count : new int[] {1, 7, 15, 16, 17, 33}) {
                    for (int width : new int[] {0, 1, 5, 56, 70}) {
                        for (int x0 : new int[] {-3, -1, 0, 2, width - 4, width + 1}) {
                            long seed = 9100L + 1000L * phases + 37L * count + 5L * width + x0;
                            Random r = new Random(seed);
                            int rows = 1 + r.nextInt(3);
                            int rowStep = width + r.nextInt(4);
                            int margin = r.nextBoolean() ? 0 : 70; // 0: rows at the array's ends
                            String where = be.name() + " phases=" + phases + " count=" + count + " width=" + width
                                    + " x0=" + x0 + " rows=" + rows + " margin=" + margin + " seed=" + seed;
                            float[] src = new float[2 * margin + (rows - 1) * rowStep + width];
                            java.util.Arrays.fill(src, Float.NaN);
                            for (int q = 0; q < rows; q++) {
                                for (int x = 0; x < width; x++) {
                                    src[margin + q * rowStep + x] = r.nextFloat() - 0.5f;
                                }
                            }
                            int stride = count + r.nextInt(24);
                            int dstRowStep = phases * stride + r.nextInt(3);
                            float[] dst = new float[4 + (rows - 1) * dstRowStep + phases * stride + 4];
                            java.util.Arrays.fill(dst, -7f);
                            float[] want = dst.clone();
                            for (int q = 0; q < rows; q++) {
                                for (int p = 0; p < phases; p++) {
                                    for (int j = 0; j < count; j++) {
                                        int x = x0 + j * phases + p;
                                        want[4 + q * dstRowStep + p * stride + j] = x >= 0 && x < width
                                                ? src[margin + q * rowStep + x] : 0f;
                                    }
                                }
                            }
                            // Slack: the floats past each phase row's count that may be overwritten; the rest of
                            // the gap between phase rows must stay untouched.
                            int slack = Math.min(stride - count, r.nextInt(20));
                            be.deinterleaveClipped(phases, count, slack, src, width == 0 ? 0 : margin, rowStep,
                                    width, x0, rows, dst, 4, stride, dstRowStep);
                            for (int k = 0; k < dst.length; k++) {
                                int q = (k - 4) / Math.max(1, dstRowStep);
                                int j = (k - 4 - q * dstRowStep) % stride;
                                int p = (k - 4 - q * dstRowStep) / stride;
                                boolean inSlack = k >= 4 && q < rows && p < phases && j >= count && j < count + slack;
                                if (!inSlack) {
                                    assertEquals(want[k], dst[k], where + " at " + k);
                                }
                            }
                        }
                    }
                }
            }
            assertThrows(IndexOutOfBoundsException.class,
                    () -> be.deinterleaveClipped(4, 5, 0, new float[19], 10, 10, 10, 0, 1, new float[40], 0, 10, 0));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> be.deinterleaveClipped(4, 5, 0, new float[29], 0, 10, 10, 0, 3, new float[40], 0, 10, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> be.deinterleaveClipped(4, 5, 0, new float[19], 0, 10, 10, 0, 1, new float[40], 0, 4, 0));
        }
    }

    /**
     * The fused interleave with residual, bias and epilogue against its definition (the plain interleave, then
     * {@code e((x + res) + bias)}), every stride, output lengths around whole vectors and not whole tiles, one to
     * three rows, with and without a residual, each fused epilogue; nothing beyond the n values of a row written.
     */
    @Test
    void interleaveEpilogueMatchesInterleaveThenEpilogue() {
        Epilogue[] epilogues = {Epilogue.NONE, Epilogue.RELU, Epilogue.clip(0f, 6f)};
        for (Backend be : TestSupport.backends()) {
            for (int phases : new int[] {2, 4, 6}) {
                for (int n : new int[] {1, 7, 16, 55, 56, 63, 64, 65, 130}) {
                    for (int variant = 0; variant < 6; variant++) {
                        Epilogue e = epilogues[variant % 3];
                        boolean withRes = variant >= 3;
                        long seed = 9700L + 1000L * phases + 10L * n + variant;
                        Random r = new Random(seed);
                        int rows = 1 + r.nextInt(3);
                        int tiles = Math.ceilDiv(n, phases);
                        int srcStride = tiles + r.nextInt(3);
                        int srcRowStep = tiles + r.nextInt(2);
                        int dstRowStep = n + r.nextInt(5);
                        String where = be.name() + " phases=" + phases + " n=" + n + " rows=" + rows + " e="
                                + e.kind() + " res=" + withRes + " seed=" + seed;
                        float[] src = random(r, 1 + (rows - 1) * srcRowStep + phases * srcStride + 3);
                        for (int i = 0; i < src.length; i++) {
                            src[i] *= 16f;
                        }
                        float[] res = withRes ? random(r, 2 + (rows - 1) * dstRowStep + n) : null;
                        float bias = r.nextFloat() - 0.5f;
                        float[] dst = new float[3 + (rows - 1) * dstRowStep + n + 2];
                        java.util.Arrays.fill(dst, -99f);
                        float[] want = dst.clone();
                        for (int q = 0; q < rows; q++) {
                            for (int k = 0; k < n; k++) {
                                float v = src[1 + q * srcRowStep + k % phases * srcStride + k / phases];
                                if (withRes) {
                                    v += res[2 + q * dstRowStep + k];
                                }
                                want[3 + q * dstRowStep + k] = e.apply(v + bias);
                            }
                        }
                        // Slack past each row: may be overwritten; the rest must stay untouched.
                        int slack = r.nextInt(20);
                        dst = java.util.Arrays.copyOf(dst, dst.length + slack);
                        want = java.util.Arrays.copyOf(want, want.length + slack);
                        java.util.Arrays.fill(dst, dst.length - slack, dst.length, -99f);
                        java.util.Arrays.fill(want, want.length - slack, want.length, -99f);
                        be.interleaveEpilogue(phases, n, slack, src, 1, srcStride, srcRowStep, rows, res, 2, bias, e,
                                dst, 3, dstRowStep);
                        for (int k = 0; k < dst.length; k++) {
                            // the last row starting at or before k decides: its values, then its slack
                            int q = Math.min(rows - 1, (k - 3) / dstRowStep);
                            int at = k - 3 - q * dstRowStep;
                            boolean inSlack = k >= 3 && at >= n && at < n + slack;
                            // (a later row's values over an earlier row's slack are checked as that row's)
                            if (!inSlack) {
                                assertEquals(want[k], dst[k], where + " slack=" + slack + " at " + k);
                            }
                        }
                    }
                }
            }
            assertThrows(IllegalArgumentException.class, () -> be.interleaveEpilogue(4, 8, 0, new float[20], 0, 2, 0,
                    1, null, 0, 0f, Epilogue.SIGMOID, new float[20], 0, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> be.interleaveEpilogue(4, 8, 0, new float[20], 0, 2, 0,
                    1, null, 0, 0f, Epilogue.RELU, new float[7], 0, 0));
            float[] same = new float[40];
            assertThrows(IllegalArgumentException.class, () -> be.interleaveEpilogue(4, 8, 4, new float[20], 0, 2, 0,
                    1, same, 0, 0f, Epilogue.RELU, same, 0, 0));
        }
    }

    /**
     * Squeezing out segment ends (Winograd's padding slots), in place and into another array, for segment lengths
     * below, at and above a vector and beyond the compress path, totals around whole vectors: exact copies, nothing
     * written outside the result.
     */
    @Test
    void dropSegmentEndsKeepsAllButEachSegmentsLast() {
        for (Backend be : TestSupport.backends()) {
            for (int seg : new int[] {1, 2, 3, 5, 8, 15, 16, 17, 21, 48, 49, 170}) {
                for (int segs : new int[] {0, 1, 3, 4, 7, 16, 33}) {
                    long seed = 7700 + 1000L * seg + segs;
                    Random r = new Random(seed);
                    String where = be.name() + " seg=" + seg + " segs=" + segs + " seed=" + seed;
                    int n = seg * segs;
                    float[] src = random(r, 3 + n + 2);
                    float[] want = new float[(seg - 1) * segs];
                    for (int s = 0; s < segs; s++) {
                        System.arraycopy(src, 3 + s * seg, want, s * (seg - 1), seg - 1);
                    }
                    float[] dst = new float[1 + want.length + 1];
                    java.util.Arrays.fill(dst, Float.NaN);
                    be.dropSegmentEnds(seg, segs, src, 3, dst, 1);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], dst[1 + i], where + " i=" + i);
                    }
                    assertEquals(Float.NaN, dst[0], where);
                    assertEquals(Float.NaN, dst[dst.length - 1], where);
                    float[] same = src.clone();
                    be.dropSegmentEnds(seg, segs, same, 3, same, 2);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], same[2 + i], where + " in place i=" + i);
                    }
                    assertEquals(src[0], same[0], where);
                    assertEquals(src[1], same[1], where);
                    for (int i = 2 + want.length; i < same.length; i++) {
                        assertEquals(src[i], same[i], where + " in place, past the result i=" + i);
                    }
                }
            }
            assertThrows(IndexOutOfBoundsException.class,
                    () -> be.dropSegmentEnds(4, 5, new float[19], 0, new float[15], 0));
            float[] buf = new float[40];
            assertThrows(IllegalArgumentException.class, () -> be.dropSegmentEnds(4, 5, buf, 0, buf, 1));
        }
    }
}
