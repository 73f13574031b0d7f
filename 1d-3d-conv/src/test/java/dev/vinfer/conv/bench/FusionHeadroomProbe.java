package dev.vinfer.conv.bench;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.Parallel;
import java.util.Arrays;
import java.util.Random;

/**
 * An informal probe (not a test) of what fusing an inverted-residual block's depthwise conv with the following 1x1
 * projection could save at most: the pair run over the whole plane (the depthwise output, C x H x W, written and read
 * back through L3/memory) against the same pair run band by band on separate arrays (each band's depthwise output,
 * C x band x W, stays in L2), the same arithmetic (the band's halo rows are padding here, so its values are not the
 * fused layer's, its cost is). Times are the calling
 * thread's CPU time, the two forms alternated, one thread. Usage, from the repository root after test-compile:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 1d-3d-conv/target/classes:1d-3d-conv/target/test-classes \
 *     dev.vinfer.conv.bench.FusionHeadroomProbe 300 32,16,112,1 144,24,56,1 96,24,112,2
 * </pre>
 * A case is {@code C,M,inputSide,stride} (3x3 pad 1 depthwise with ReLU6, then 1x1 C -> M without activation);
 * bands are 8 output rows.
 */
public final class FusionHeadroomProbe {
    private FusionHeadroomProbe() {
    }

    public static void main(String[] args) {
        int runs = Integer.parseInt(args[0]);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        System.out.println("load " + load());
        for (int a = 1; a < args.length; a++) {
            String[] f = args[a].split(",");
            int c = Integer.parseInt(f[0]);
            int m = Integer.parseInt(f[1]);
            int side = Integer.parseInt(f[2]);
            int stride = Integer.parseInt(f[3]);
            int outSide = side / stride;
            int band = 8;
            int bands = outSide / band;
            Random r = new Random(11);
            float[] wDw = random(r, c * 9);
            float[] bDw = random(r, c);
            float[] wPw = random(r, m * c);
            float[] bPw = random(r, m);
            Epilogue relu6 = Epilogue.clip(0f, 6f);
            ConvGeometry dwFull = ConvGeometry.builder().channels(c, c).group(c).input(side, side).kernel(3, 3)
                    .strides(stride, stride).padsOnnx(1, 1, 1, 1).build();
            ConvGeometry pwFull = ConvGeometry.builder().channels(c, m).input(outSide, outSide).kernel(1, 1).build();
            ConvKernel dw = Convolutions.prepare(dwFull, wDw, 0, bDw, relu6, ConvAlgorithm.AUTO);
            ConvKernel pw = Convolutions.prepare(pwFull, wPw, 0, bPw, Epilogue.NONE, ConvAlgorithm.AUTO);
            float[] in = random(r, dwFull.inputLength());
            float[] mid = new float[dwFull.outputLength()];
            float[] out = new float[pwFull.outputLength()];
            // Banded: a band of input rows padded like the whole plane, so that the fast in-place depthwise path
            // runs (the halo rows a real fused kernel would read are zeros here: the values differ, the work not).
            ConvGeometry dwBand = ConvGeometry.builder().channels(c, c).group(c).input(band * stride, side)
                    .kernel(3, 3).strides(stride, stride).padsOnnx(1, 1, 1, 1).build();
            ConvGeometry pwBand = ConvGeometry.builder().channels(c, m).input(band, outSide).kernel(1, 1).build();
            ConvKernel dwB = Convolutions.prepare(dwBand, wDw, 0, bDw, relu6, ConvAlgorithm.AUTO);
            ConvKernel pwB = Convolutions.prepare(pwBand, wPw, 0, bPw, Epilogue.NONE, ConvAlgorithm.AUTO);
            float[][] inBands = new float[bands][];
            float[][] outBands = new float[bands][];
            for (int b = 0; b < bands; b++) {
                inBands[b] = random(r, dwBand.inputLength());
                outBands[b] = new float[pwBand.outputLength()];
            }
            float[] midBand = new float[dwBand.outputLength()];
            Runnable full = () -> {
                dw.run(in, 0, mid, 0, Parallel.SERIAL);
                pw.run(mid, 0, out, 0, Parallel.SERIAL);
            };
            Runnable banded = () -> {
                for (int b = 0; b < bands; b++) {
                    dwB.run(inBands[b], 0, midBand, 0, Parallel.SERIAL);
                    pwB.run(midBand, 0, outBands[b], 0, Parallel.SERIAL);
                }
            };
            Runnable[] forms = {full, banded};
            double[][] t = new double[2][runs];
            for (int i = -runs / 2; i < runs; i++) {
                for (int k = 0; k < 2; k++) {
                    int e = (k + Math.max(i, 0)) % 2;
                    long c0 = mx.getCurrentThreadCpuTime();
                    forms[e].run();
                    long c1 = mx.getCurrentThreadCpuTime();
                    if (i >= 0) {
                        t[e][i] = (c1 - c0) / 1e6;
                    }
                }
            }
            Arrays.sort(t[0]);
            Arrays.sort(t[1]);
            System.out.printf(java.util.Locale.ROOT, "%s: dw %s + pw %s; whole planes %.3f ms, %d bands of %d rows "
                    + "%.3f ms (CPU medians), banded/whole %.2f%n", args[a], dw.algorithm(), pw.algorithm(),
                    t[0][runs / 2], bands, band, t[1][runs / 2], t[1][runs / 2] / t[0][runs / 2]);
        }
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        return a;
    }
}
