package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The channel-blocked max pool ({@link NchwcMaxPool}) and global average ({@link NchwcLayout#globalAverage}) against
 * plain NCHW loops written here: inputs reordered to NCHWc, the blocked kernel run, the output reordered back and
 * compared value for value (the kernels take taps in the same order, so the results are the same floats); the
 * lanes past the last channel must be zero, the floats around the output untouched. Outputs are NaN-filled first,
 * so a value the kernel leaves unwritten fails.
 */
class NchwcPoolTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261130L);
    private static final int[][] KERNELS = {{1, 1}, {2, 2}, {3, 3}, {5, 5}, {3, 1}, {1, 3}};
    private static final int[] CHANNELS = {1, 15, 16, 17, 33, 64};

    @Test
    void maxPoolMatchesReference() {
        Random r = new Random(SEED);
        int done = 0;
        for (int trial = 0; done < 160; trial++) {
            int[] k = KERNELS[r.nextInt(KERNELS.length)];
            int sH = 1 + r.nextInt(3);
            int sW = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : sH;
            int dH = r.nextInt(4) == 0 ? 2 : 1;
            int dW = r.nextInt(4) == 0 ? 2 : dH;
            int[] pads = {r.nextInt(k[0]), r.nextInt(k[1]), r.nextInt(k[0]), r.nextInt(k[1])};
            boolean ceil = r.nextBoolean();
            int h = r.nextInt(3) == 0 ? 1 + r.nextInt(8) : 1 + r.nextInt(60);
            int w = r.nextInt(4) == 0 ? h : 1 + r.nextInt(60);
            int c = CHANNELS[r.nextInt(CHANNELS.length)];
            int batch = 1 + r.nextInt(2);
            int oh = outSize(h, k[0], sH, dH, pads[0], pads[2], ceil);
            int ow = outSize(w, k[1], sW, dW, pads[1], pads[3], ceil);
            if (oh < 1 || ow < 1) {
                continue;
            }
            int special = trial % 4; // 0: plain; 1: some NaN and -inf; 2: NaN rectangles (all-NaN windows); 3: ties
            String what = "seed " + SEED + " trial " + trial + ": " + batch + "x" + c + "x" + h + "x" + w + " kernel "
                    + k[0] + "x" + k[1] + " strides " + sH + "," + sW + " dilations " + dH + "," + dW + " pads "
                    + Arrays.toString(pads) + (ceil ? " ceil" : "") + " special " + special;
            float[] x = input(r, batch * c * h * w, h * w, special);
            maxPool(what, r, x, batch, c, h, w, k[0], k[1], sH, sW, dH, dW, pads[0], pads[1], oh, ow, done);
            done++;
        }
    }

    /** The CNN pools: SqueezeNet's 3x3/2 ceil (odd and even planes), ResNet's 3x3/2 pad 1, 2x2/2, a 1x1 plane. */
    @Test
    void maxPoolPinnedShapes() {
        Random r = new Random(SEED + 1);
        int[][] cases = { // c, h, w, k, s, pad, ceil
            {64, 55, 55, 3, 2, 0, 1}, {17, 13, 13, 3, 2, 0, 1}, {33, 12, 12, 3, 2, 0, 1}, {64, 28, 28, 3, 2, 1, 0},
            {16, 8, 8, 2, 2, 0, 0}, {15, 1, 1, 3, 1, 1, 0}, {16, 1, 1, 1, 1, 0, 0}, {1, 2, 2, 3, 2, 0, 1},
            {33, 9, 9, 5, 1, 2, 0}, {64, 3, 60, 3, 3, 2, 1}};
        int i = 0;
        for (int[] t : cases) {
            int oh = outSize(t[1], t[3], t[4], 1, t[5], t[5], t[6] == 1);
            int ow = outSize(t[2], t[3], t[4], 1, t[5], t[5], t[6] == 1);
            for (int special = 0; special < 3; special++) {
                String what = "seed " + (SEED + 1) + " pinned " + Arrays.toString(t) + " special " + special;
                float[] x = input(r, 2 * t[0] * t[1] * t[2], t[1] * t[2], special);
                maxPool(what, r, x, 2, t[0], t[1], t[2], t[3], t[3], t[4], t[4], 1, 1, t[5], t[5], oh, ow, i++);
            }
        }
    }

    /** A window with no tap inside the input (pads past the kernel) gives -inf, as the NCHW op. */
    @Test
    void maxPoolEmptyWindowIsNegativeInfinity() {
        float[] x = new float[16 * 4];
        Arrays.fill(x, 0, 4, 1f);
        for (Backend be : TestSupport.backends()) {
            NchwcMaxPool pool = NchwcMaxPool.prepare(1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 2, 0, 4, 2, be);
            float[] y = new float[(int) pool.outputLength()];
            float[] xb = new float[(int) pool.inputLength()];
            NchwcLayout.toBlocked(1, 1, 4, x, 0, xb, 0, Parallel.SERIAL, be);
            pool.run(xb, 0, y, 0, Parallel.SERIAL);
            assertEquals(Float.NEGATIVE_INFINITY, y[0], be.name());
            assertEquals(0f, y[1], be.name() + ": pad lane");
            assertEquals(1f, y[4 * 16], be.name());
        }
    }

    @Test
    void maxPoolRejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> NchwcMaxPool.prepare(1, 0, 4, 4, 3, 3, 1, 1, 1, 1, 0, 0, 2,
                2));
        assertThrows(IllegalArgumentException.class, () -> NchwcMaxPool.prepare(1, 3, 4, 4, 3, 3, 0, 1, 1, 1, 0, 0,
                2, 2));
        assertThrows(IllegalArgumentException.class, () -> NchwcMaxPool.prepare(1, 3, 4, 4, 3, 3, 1, 1, 1, 1, -1, 0,
                2, 2));
        assertThrows(IllegalArgumentException.class, () -> NchwcMaxPool.prepare(1 << 16, 1 << 10, 1 << 10, 4, 3, 3,
                1, 1, 1, 1, 0, 0, 2, 2));
        NchwcMaxPool pool = NchwcMaxPool.prepare(1, 3, 4, 4, 3, 3, 1, 1, 1, 1, 0, 0, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> pool.run(new float[16 * 16 - 1], 0, new float[64], 0,
                Parallel.SERIAL));
        assertThrows(IllegalArgumentException.class, () -> pool.run(new float[16 * 16], 0, new float[64], 1,
                Parallel.SERIAL));
    }

    @Test
    void globalAverageMatchesReference() {
        Random r = new Random(SEED + 2);
        for (int c : new int[] {1, 15, 16, 17, 33, 64, 65, 80, 1008}) {
            for (int spatial : new int[] {1, 5, 49, 169}) {
                int batch = 1 + r.nextInt(2);
                float[] x = TestSupport.random(r, batch * c * spatial);
                if (r.nextBoolean()) {
                    x[r.nextInt(x.length)] = Float.NaN;
                    x[r.nextInt(x.length)] = Float.NEGATIVE_INFINITY;
                }
                float[] expected = new float[batch * c];
                for (int i = 0; i < batch * c; i++) {
                    float s = 0f;
                    for (int p = 0; p < spatial; p++) {
                        s += x[i * spatial + p];
                    }
                    expected[i] = s / spatial;
                }
                for (Backend be : TestSupport.backends()) {
                    String what = "seed " + (SEED + 2) + " " + be.name() + " " + batch + "x" + c + "x" + spatial;
                    float[] xb = new float[(int) NchwcLayout.length(batch, c, spatial) + 5];
                    NchwcLayout.toBlocked(batch, c, spatial, x, 0, xb, 5, Parallel.SERIAL, be);
                    float[] y = new float[batch * c + 3];
                    Arrays.fill(y, Float.NaN);
                    NchwcLayout.globalAverage(batch, c, spatial, xb, 5, y, 2, be);
                    assertEquals(Float.NaN, y[0], what + ": wrote before the output");
                    assertEquals(Float.NaN, y[1], what + ": wrote before the output");
                    assertEquals(Float.NaN, y[y.length - 1], what + ": wrote past the output");
                    for (int i = 0; i < batch * c; i++) {
                        if (Float.compare(expected[i], y[2 + i]) != 0) {
                            fail(what + ": channel " + i + " expected " + expected[i] + " got " + y[2 + i]);
                        }
                    }
                }
            }
        }
    }

    /** ONNX's output size: floor or ceil, a ceil window that would start in the trailing padding dropped. */
    static int outSize(int in, int k, int s, int d, int pb, int pe, boolean ceil) {
        int extent = (k - 1) * d + 1;
        int span = in + pb + pe - extent;
        if (span < 0) {
            return 0;
        }
        int o = (ceil ? Math.ceilDiv(span, s) : span / s) + 1;
        if (ceil && (o - 1) * s >= in + pb) {
            o--;
        }
        return o;
    }

    /** Random input; special 1: scattered NaN and -inf; 2: NaN rectangles; 3: few distinct values (ties, -0). */
    private static float[] input(Random r, int n, int plane, int special) {
        float[] x = TestSupport.random(r, n);
        switch (special) {
            case 1 -> {
                for (int i = 0; i < n / 10 + 1; i++) {
                    x[r.nextInt(n)] = r.nextBoolean() ? Float.NaN : Float.NEGATIVE_INFINITY;
                }
            }
            case 2 -> {
                for (int start = 0; start < n; start += plane) {
                    if (r.nextBoolean()) {
                        int len = 1 + r.nextInt(Math.min(plane, 30));
                        int at = start + r.nextInt(plane - len + 1);
                        Arrays.fill(x, at, at + len, r.nextInt(3) == 0 ? Float.NEGATIVE_INFINITY : Float.NaN);
                    }
                }
                if (r.nextInt(4) == 0) {
                    Arrays.fill(x, 0, Math.min(n, 3 * plane / 2), Float.NaN);
                }
            }
            case 3 -> {
                float[] values = {-1f, -0f, 0f, 2f, Float.NEGATIVE_INFINITY};
                for (int i = 0; i < n; i++) {
                    x[i] = values[r.nextInt(values.length)];
                }
            }
            default -> {
            }
        }
        return x;
    }

    /** ONNX MaxPool of one NCHW value: the first largest tap that is not NaN, NaN if all are, -inf if none inside. */
    private static float expected(float[] x, int plane, int h, int w, int kH, int kW, int sH, int sW, int dH, int dW,
            int pt, int pl, int y, int xo) {
        float best = Float.NEGATIVE_INFINITY;
        int inside = 0;
        int nan = 0;
        for (int a = 0; a < kH; a++) {
            for (int b = 0; b < kW; b++) {
                int iy = y * sH - pt + a * dH;
                int ix = xo * sW - pl + b * dW;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                    float v = x[plane + iy * w + ix];
                    inside++;
                    if (Float.isNaN(v)) {
                        nan++;
                    } else if (v > best) {
                        best = v;
                    }
                }
            }
        }
        return inside > 0 && nan == inside ? Float.NaN : best;
    }

    private static void maxPool(String what, Random r, float[] x, int batch, int c, int h, int w, int kH, int kW,
            int sH, int sW, int dH, int dW, int pt, int pl, int oh, int ow, int variant) {
        float[] expected = new float[batch * c * oh * ow];
        for (int pc = 0; pc < batch * c; pc++) {
            for (int y = 0; y < oh; y++) {
                for (int xo = 0; xo < ow; xo++) {
                    expected[(pc * oh + y) * ow + xo] = expected(x, pc * h * w, h, w, kH, kW, sH, sW, dH, dW, pt, pl,
                            y, xo);
                }
            }
        }
        for (Backend be : TestSupport.backends()) {
            Parallel p = TestSupport.PARALLELS[(variant + (be.vectorized() ? 1 : 0)) % TestSupport.PARALLELS.length];
            String where = what + " " + be.name() + " " + p;
            NchwcMaxPool pool = NchwcMaxPool.prepare(batch, c, h, w, kH, kW, sH, sW, dH, dW, pt, pl, oh, ow, be);
            int inOff = r.nextInt(3);
            float[] xb = new float[(int) pool.inputLength() + inOff];
            NchwcLayout.toBlocked(batch, c, h * w, x, 0, xb, inOff, Parallel.SERIAL, be);
            int outOff = 1 + r.nextInt(3);
            float[] yb = new float[(int) pool.outputLength() + outOff + 2];
            Arrays.fill(yb, Float.NaN);
            float sentinel = 12345f;
            Arrays.fill(yb, 0, outOff, sentinel);
            Arrays.fill(yb, yb.length - 2, yb.length, sentinel);
            for (int rep = 0; rep < 2; rep++) { // twice: the reused task object
                pool.run(xb, inOff, yb, outOff, p);
            }
            for (int i = 0; i < outOff; i++) {
                assertEquals(sentinel, yb[i], where + ": wrote before the output");
            }
            assertEquals(sentinel, yb[yb.length - 1], where + ": wrote past the output");
            assertEquals(sentinel, yb[yb.length - 2], where + ": wrote past the output");
            int blocks = NchwcLayout.blocks(c);
            for (int n = 0; n < batch; n++) {
                for (int ch = 0; ch < blocks * 16; ch++) {
                    for (int i = 0; i < oh * ow; i++) {
                        float got = yb[outOff + ((n * blocks + ch / 16) * oh * ow + i) * 16 + ch % 16];
                        float want = ch < c ? expected[(n * c + ch) * oh * ow + i] : 0f;
                        if (Float.compare(want, got) != 0) {
                            fail(where + ": image " + n + " channel " + ch + " output (" + i / ow + ", " + i % ow
                                    + ") expected " + want + " got " + got);
                        }
                    }
                }
            }
        }
    }
}
