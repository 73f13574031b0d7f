package dev.vinfer.conv.bench;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.Parallel;
import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * An informal probe (not a test, not a kernel of the library): how fast a 1x1 convolution would run if activations
 * were kept channel-blocked between layers ({@code [C/16][pixels][16]}, the layout ONNX Runtime converts CNNs to),
 * against vinfer's NCHW kernel on the same layer, both with their tensors hot ({@code rotate 1}) and cycling through
 * N input/output pairs ({@code rotate N}: tensors in L3 or memory, as inside a network). The blocked kernel is the
 * plainest form: per 32 output channels and 6 pixels, 12 accumulators; per input channel two weight vectors and six
 * broadcast input values. No residual or bias: a layout question, not a finished kernel. Run after test-compile:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 1d-3d-conv/target/classes:1d-3d-conv/target/test-classes \
 *     dev.vinfer.conv.bench.BlockedLayoutProbe 300 8 64,256,56x56 32,192,28x28 128,512,28x28
 * </pre>
 */
public final class BlockedLayoutProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int B = 16;
    private static final int TILE = 6;

    private BlockedLayoutProbe() {
    }

    public static void main(String[] args) {
        int runs = Integer.parseInt(args[0]);
        int rotate = Integer.parseInt(args[1]);
        for (int li = 2; li < args.length; li++) {
            String[] f = args[li].split(",");
            int c = Integer.parseInt(f[0]);
            int m = Integer.parseInt(f[1]);
            int[] hw = Arrays.stream(f[2].split("x")).mapToInt(Integer::parseInt).toArray();
            int pixels = hw[0] * hw[1];
            if (c % B != 0 || m % (2 * B) != 0) {
                throw new IllegalArgumentException("C a multiple of 16, M of 32: " + args[li]);
            }
            Random r = new Random(5);
            float[] w = new float[m * c];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextFloat() - 0.5f;
            }
            float[] packed = pack(w, m, c);
            float[][] ins = new float[rotate][];
            float[][] outs = new float[rotate][];
            float[][] blockedIn = new float[rotate][];
            float[][] blockedOut = new float[rotate][];
            for (int i = 0; i < rotate; i++) {
                ins[i] = new float[c * pixels];
                for (int j = 0; j < ins[i].length; j++) {
                    ins[i][j] = r.nextFloat();
                }
                outs[i] = new float[m * pixels];
                blockedIn[i] = toBlocked(ins[i], c, pixels);
                blockedOut[i] = new float[m * pixels];
            }
            ConvGeometry g = ConvGeometry.builder().channels(c, m).input(hw).kernel(1, 1).build();
            ConvKernel k = Convolutions.prepare(g, w, 0, null, Epilogue.NONE, ConvAlgorithm.AUTO);
            // Check the blocked kernel against the library's once.
            k.run(ins[0], 0, outs[0], 0, Parallel.SERIAL);
            blocked(packed, blockedIn[0], blockedOut[0], c, m, pixels);
            float[] back = fromBlocked(blockedOut[0], m, pixels);
            double err = 0;
            for (int i = 0; i < back.length; i++) {
                err = Math.max(err, Math.abs(back[i] - outs[0][i]));
            }
            long[][] t = new long[2][runs];
            for (int warm = 0; warm < 200; warm++) {
                k.run(ins[warm % rotate], 0, outs[warm % rotate], 0, Parallel.SERIAL);
                blocked(packed, blockedIn[warm % rotate], blockedOut[warm % rotate], c, m, pixels);
            }
            for (int i = 0; i < runs; i++) {
                int q = i % rotate;
                long t0 = System.nanoTime();
                k.run(ins[q], 0, outs[q], 0, Parallel.SERIAL);
                long t1 = System.nanoTime();
                blocked(packed, blockedIn[q], blockedOut[q], c, m, pixels);
                long t2 = System.nanoTime();
                t[0][i] = t1 - t0;
                t[1][i] = t2 - t1;
            }
            double flop = 2.0 * c * m * pixels;
            String[] names = {"NCHW (vinfer)", "blocked [C/16][P][16]"};
            for (int v = 0; v < 2; v++) {
                long[] s = t[v].clone();
                Arrays.sort(s);
                System.out.printf("%-16s rotate %d %-22s median %.3f ms best %.3f ms (%.0f GFLOP/s at the median)"
                        + "%s%n", args[li], rotate, names[v], s[runs / 2] / 1e6, s[0] / 1e6, flop / s[runs / 2],
                        v == 1 ? String.format(" max |diff| %.2g", err) : "");
            }
        }
    }

    /** {@code [M/32][C][32]}: per block of 32 output channels, each input channel's 32 weights side by side. */
    private static float[] pack(float[] w, int m, int c) {
        float[] p = new float[m * c];
        for (int o = 0; o < m; o++) {
            for (int i = 0; i < c; i++) {
                p[(o / 32) * c * 32 + i * 32 + o % 32] = w[o * c + i];
            }
        }
        return p;
    }

    private static float[] toBlocked(float[] x, int ch, int pixels) {
        float[] b = new float[x.length];
        for (int c = 0; c < ch; c++) {
            for (int p = 0; p < pixels; p++) {
                b[(c / B) * pixels * B + p * B + c % B] = x[c * pixels + p];
            }
        }
        return b;
    }

    private static float[] fromBlocked(float[] b, int ch, int pixels) {
        float[] x = new float[b.length];
        for (int c = 0; c < ch; c++) {
            for (int p = 0; p < pixels; p++) {
                x[c * pixels + p] = b[(c / B) * pixels * B + p * B + c % B];
            }
        }
        return x;
    }

    /** The blocked 1x1: out[mb][p][16] = sum_c w[m][c] x[c/16][p][c%16]. Pixels in tiles of 6, the rest one by one. */
    private static void blocked(float[] w, float[] x, float[] y, int c, int m, int pixels) {
        int plane = pixels * B;
        for (int mb = 0; mb < m / 32; mb++) {
            int wBase = mb * c * 32;
            int y0 = 2 * mb * plane;
            int y1 = y0 + plane;
            int p = 0;
            for (; p + TILE <= pixels; p += TILE) {
                FloatVector a00 = FloatVector.zero(S);
                FloatVector a01 = a00;
                FloatVector a10 = a00;
                FloatVector a11 = a00;
                FloatVector a20 = a00;
                FloatVector a21 = a00;
                FloatVector a30 = a00;
                FloatVector a31 = a00;
                FloatVector a40 = a00;
                FloatVector a41 = a00;
                FloatVector a50 = a00;
                FloatVector a51 = a00;
                for (int i = 0; i < c; i++) {
                    FloatVector w0 = FloatVector.fromArray(S, w, wBase + i * 32);
                    FloatVector w1 = FloatVector.fromArray(S, w, wBase + i * 32 + B);
                    int xi = (i / B) * plane + p * B + i % B;
                    FloatVector x0 = FloatVector.broadcast(S, x[xi]);
                    a00 = x0.fma(w0, a00);
                    a01 = x0.fma(w1, a01);
                    FloatVector x1 = FloatVector.broadcast(S, x[xi + B]);
                    a10 = x1.fma(w0, a10);
                    a11 = x1.fma(w1, a11);
                    FloatVector x2 = FloatVector.broadcast(S, x[xi + 2 * B]);
                    a20 = x2.fma(w0, a20);
                    a21 = x2.fma(w1, a21);
                    FloatVector x3 = FloatVector.broadcast(S, x[xi + 3 * B]);
                    a30 = x3.fma(w0, a30);
                    a31 = x3.fma(w1, a31);
                    FloatVector x4 = FloatVector.broadcast(S, x[xi + 4 * B]);
                    a40 = x4.fma(w0, a40);
                    a41 = x4.fma(w1, a41);
                    FloatVector x5 = FloatVector.broadcast(S, x[xi + 5 * B]);
                    a50 = x5.fma(w0, a50);
                    a51 = x5.fma(w1, a51);
                }
                int o = p * B;
                a00.intoArray(y, y0 + o);
                a01.intoArray(y, y1 + o);
                a10.intoArray(y, y0 + o + B);
                a11.intoArray(y, y1 + o + B);
                a20.intoArray(y, y0 + o + 2 * B);
                a21.intoArray(y, y1 + o + 2 * B);
                a30.intoArray(y, y0 + o + 3 * B);
                a31.intoArray(y, y1 + o + 3 * B);
                a40.intoArray(y, y0 + o + 4 * B);
                a41.intoArray(y, y1 + o + 4 * B);
                a50.intoArray(y, y0 + o + 5 * B);
                a51.intoArray(y, y1 + o + 5 * B);
            }
            for (; p < pixels; p++) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                for (int i = 0; i < c; i++) {
                    FloatVector xv = FloatVector.broadcast(S, x[(i / B) * plane + p * B + i % B]);
                    a0 = xv.fma(FloatVector.fromArray(S, w, wBase + i * 32), a0);
                    a1 = xv.fma(FloatVector.fromArray(S, w, wBase + i * 32 + B), a1);
                }
                a0.intoArray(y, y0 + p * B);
                a1.intoArray(y, y1 + p * B);
            }
        }
    }
}
