package dev.vinfer.conv;

/**
 * A convolution without the kernel taps that only ever read padding. Deep in a 3-D network the clip's time axis
 * shrinks to 1 or 2 frames while the kernel keeps 3 taps along it (ResNet3D-10's last stage: 512 channels at
 * 1x4x4, a 3x3x3 kernel with pad 1): two of the three depth taps, two thirds of the work and of the weights, multiply
 * zeros. Dropping them gives the same sums without the zero terms, so results change by rounding order only.
 *
 * <p>Along each axis the taps kept are those from the first to the last that read an input position for at least one
 * output ({@code o * stride - padBegin + t * dilation} inside {@code [0, in)}); the pads are moved so that every
 * remaining tap reads where it did and the output size is unchanged. An axis left with input 1, kernel 1 and output
 * 1 is then dropped altogether (its layout is the same as without it), so the 1x4x4 layer above becomes a 2-D 3x3
 * convolution on 4x4 and takes the 2-D kernels (small-plane Winograd) instead of 3-D Winograd on a 1-deep plane.
 * Used by AUTO only ({@link Convolutions#prepare}); a forced algorithm runs the geometry it was given.
 */
final class TrimmedTaps {
    final ConvGeometry geometry;
    final float[] weights;

    private TrimmedTaps(ConvGeometry geometry, float[] weights) {
        this.geometry = geometry;
        this.weights = weights;
    }

    /** The trimmed convolution, or null when every tap reads the input somewhere (nothing to drop). */
    static TrimmedTaps of(ConvGeometry g, float[] w, int wOff) {
        if (w == null || wOff < 0 || (long) wOff + g.weightLength() > w.length) {
            return null; // the kernels' own checks name the problem
        }
        Plan p = plan(g);
        return p == null ? null : new TrimmedTaps(p.geometry, sliceWeights(g, w, wOff, p.first, p.count));
    }

    /** The geometry AUTO runs instead of {@code g}, or null when nothing is trimmed. */
    static ConvGeometry geometry(ConvGeometry g) {
        Plan p = plan(g);
        return p == null ? null : p.geometry;
    }

    /** The trimmed geometry and, per original axis, the first tap kept and how many. */
    private record Plan(ConvGeometry geometry, int[] first, int[] count) {
    }

    private static Plan plan(ConvGeometry g) {
        int r = g.rank();
        int[] first = new int[r];
        int[] count = new int[r];
        int[] padBegin = new int[r];
        int[] padEnd = new int[r];
        boolean trimmed = false;
        for (int d = 0; d < r; d++) {
            int t0 = -1;
            int t1 = -1;
            for (int t = 0; t < g.kernel(d); t++) {
                if (readsInput(g, d, t)) {
                    t0 = t0 < 0 ? t : t0;
                    t1 = t + 1;
                }
            }
            if (t0 < 0) {
                return null; // an axis whose taps all read padding: the output is the bias; leave it to the kernels
            }
            int pb = g.padBegin(d) - t0 * g.dilation(d);
            int k = t1 - t0;
            long pe = (long) (g.outputDim(d) - 1) * g.stride(d) + (long) (k - 1) * g.dilation(d) + 1 - pb
                    - g.inputDim(d);
            if (pb < 0 || pe < 0 || pe > g.padEnd(d)) {
                // Possible with dilations above 1, or an input tail no output reads: keep this axis whole.
                t0 = 0;
                k = g.kernel(d);
                pb = g.padBegin(d);
                pe = g.padEnd(d);
            }
            first[d] = t0;
            count[d] = k;
            padBegin[d] = pb;
            padEnd[d] = (int) pe;
            trimmed |= k < g.kernel(d);
        }
        if (!trimmed) {
            return null;
        }
        // Axes left as 1 -> 1 with a single tap and no padding carry nothing: drop them (keeping at least one).
        boolean[] keep = new boolean[r];
        int kept = 0;
        for (int d = 0; d < r; d++) {
            keep[d] = !(g.inputDim(d) == 1 && g.outputDim(d) == 1 && count[d] == 1 && padBegin[d] == 0
                    && padEnd[d] == 0);
            kept += keep[d] ? 1 : 0;
        }
        if (kept == 0) {
            keep[r - 1] = true;
            kept = 1;
        }
        int[] in = new int[kept];
        int[] kernel = new int[kept];
        int[] stride = new int[kept];
        int[] dilation = new int[kept];
        int[] pb = new int[kept];
        int[] pe = new int[kept];
        for (int d = 0, j = 0; d < r; d++) {
            if (keep[d]) {
                in[j] = g.inputDim(d);
                kernel[j] = count[d];
                stride[j] = g.stride(d);
                dilation[j] = g.dilation(d);
                pb[j] = padBegin[d];
                pe[j] = padEnd[d];
                j++;
            }
        }
        ConvGeometry t = ConvGeometry.of(g.batch(), g.inChannels(), g.outChannels(), g.group(), in, kernel, stride,
                dilation, pb, pe);
        for (int d = 0, j = 0; d < r; d++) {
            if (keep[d] && t.outputDim(j++) != g.outputDim(d)) {
                return null; // not expected (the pads above keep every output); never run a different shape
            }
        }
        return new Plan(t, first, count);
    }

    /** Whether tap t along axis d reads an input position (not padding) for at least one output position. */
    private static boolean readsInput(ConvGeometry g, int d, int t) {
        int in = g.inputDim(d);
        long base = (long) t * g.dilation(d) - g.padBegin(d);
        for (int o = 0; o < g.outputDim(d); o++) {
            long pos = base + (long) o * g.stride(d);
            if (pos >= in) {
                return false; // positions only grow with o
            }
            if (pos >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The weights {@code (M, C/G, k...)} restricted to taps {@code [first, first + count)} on every axis. */
    private static float[] sliceWeights(ConvGeometry g, float[] w, int wOff, int[] first, int[] count) {
        int r = g.rank();
        int taps = g.kernelSize();
        int kept = 1;
        for (int c : count) {
            kept *= c;
        }
        int filters = g.outChannels() * g.inChannelsPerGroup();
        float[] out = new float[filters * kept];
        int[] idx = new int[r];
        for (int f = 0; f < filters; f++) {
            int src0 = wOff + f * taps;
            int dst = f * kept;
            java.util.Arrays.fill(idx, 0);
            for (int n = 0; n < kept; n++) {
                int off = 0;
                for (int d = 0; d < r; d++) {
                    off = off * g.kernel(d) + first[d] + idx[d];
                }
                out[dst + n] = w[src0 + off];
                for (int d = r - 1; d >= 0; d--) {
                    if (++idx[d] < count[d]) {
                        break;
                    }
                    idx[d] = 0;
                }
            }
        }
        return out;
    }
}
