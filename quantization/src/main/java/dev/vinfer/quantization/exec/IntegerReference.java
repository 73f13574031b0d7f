package dev.vinfer.quantization.exec;

import dev.vinfer.conv.ConvGeometry;

/**
 * The plain reference for the fused integer kernels: textbook loops with int32 accumulation of centered int
 * operands, and requantization in double. Slow; for tests.
 */
public final class IntegerReference {
    private IntegerReference() {
    }

    /** Convolution of centered ints x [N, C, D...] and w [M, C/G, k...]; returns [N, M, out...] int32 sums. */
    public static int[] conv(int[] x, int[] w, ConvGeometry g) {
        int rank = g.rank();
        int n = g.batch();
        int c = g.inChannels();
        int m = g.outChannels();
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        int[] in = g.inputDims();
        int[] out = g.outputDims();
        int inPlane = 1;
        int outPlane = 1;
        int kSize = 1;
        for (int d = 0; d < rank; d++) {
            inPlane *= in[d];
            outPlane *= out[d];
            kSize *= g.kernel(d);
        }
        int[] acc = new int[n * m * outPlane];
        int[] o = new int[rank];
        int[] k = new int[rank];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < m; oc++) {
                int group = oc / mg;
                for (int op = 0; op < outPlane; op++) {
                    unflatten(op, out, o);
                    int sum = 0;
                    for (int ic = 0; ic < cg; ic++) {
                        for (int kp = 0; kp < kSize; kp++) {
                            unflatten(kp, kernelDims(g), k);
                            int at = 0;
                            boolean inside = true;
                            for (int d = 0; d < rank && inside; d++) {
                                int pos = o[d] * g.stride(d) - g.padBegin(d) + k[d] * g.dilation(d);
                                inside = pos >= 0 && pos < in[d];
                                at = at * in[d] + pos;
                            }
                            if (inside) {
                                sum += x[(b * c + group * cg + ic) * inPlane + at] * w[(oc * cg + ic) * kSize + kp];
                            }
                        }
                    }
                    acc[(b * m + oc) * outPlane + op] = sum;
                }
            }
        }
        return acc;
    }

    /** Matrix product of centered ints a [rows, K] and b [K, N]. */
    public static int[] matmul(int[] a, int[] b, int rows, int k, int n) {
        int[] acc = new int[rows * n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                int s = 0;
                for (int t = 0; t < k; t++) {
                    s += a[r * k + t] * b[t * n + j];
                }
                acc[r * n + j] = s;
            }
        }
        return acc;
    }

    /** {@code sat(rint(act(acc * mult + add)) + zero)} in double. */
    public static int requantize(int acc, double mult, double add, float alpha, float lo, float hi, QParams y) {
        double v = acc * mult + add;
        v = v < 0 ? alpha * v : v;
        v = Math.min(Math.max(v, lo), hi);
        return (int) Math.max(y.qmin(), Math.min(y.qmax(), Math.rint(v) + y.zeroPoint()));
    }

    private static int[] kernelDims(ConvGeometry g) {
        int[] r = new int[g.rank()];
        for (int d = 0; d < r.length; d++) {
            r[d] = g.kernel(d);
        }
        return r;
    }

    private static void unflatten(int i, int[] dims, int[] idx) {
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = i % dims[d];
            i /= dims[d];
        }
    }
}
