package dev.vinfer.conv.bench;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * An informal probe (not a test): several forced algorithms on one layer ({@link ConvKernel#run}, bias + Relu), single
 * runs alternated round-robin in one JVM, timed by the caller's thread CPU time (far less disturbed than wall time on
 * a shared machine; with two threads it is the caller's share, so use the wall column there). For choosing between
 * algorithms in {@code ConvAlgorithm}'s rules. Run from the repository root after test-compile:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 1d-3d-conv/target/classes:1d-3d-conv/target/test-classes \
 *     dev.vinfer.conv.bench.AlgoPairedProbe 1 300 winograd_f4_3,implicit_im2col 16,64,55x55,3 32,128,27x27,3
 * </pre>
 * A layer is {@code C,M,HxW,k[,s[,p[,g[,d]]]]} with one size per axis ("4000" a 1-D layer, "8x28x28" a 3-D one;
 * kernel k on every axis, stride s (1), pad p (k/2), groups g (1), dilation d (1)). {@code -Dprobe.flush=true}
 * writes 64 MiB before every run (untimed): cold caches, the weights streamed from memory as inside a network whose
 * weights do not fit the caches (ResNet-18's transformed weights are ~90 MB).
 */
public final class AlgoPairedProbe {
    /** See the class comment: {@code -Dprobe.flush=true}. */
    private static final float[] FLUSH = Boolean.getBoolean("probe.flush") ? new float[16 << 20] : null;

    private AlgoPairedProbe() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int runs = Integer.parseInt(args[1]);
        String[] algos = args[2].split(",");
        Parallel p = threads == 1 ? Parallel.SERIAL : new ConvPairedProbe.SpinPool(threads);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("threads %d runs %d flush %b load %s%n", threads, runs, FLUSH != null, load());
        for (int li = 3; li < args.length; li++) {
            String[] f = args[li].split(",");
            int c = Integer.parseInt(f[0]);
            int m = Integer.parseInt(f[1]);
            int[] hw = Arrays.stream(f[2].split("x")).mapToInt(Integer::parseInt).toArray();
            int k = Integer.parseInt(f[3]);
            int st = f.length > 4 ? Integer.parseInt(f[4]) : 1;
            int pad = f.length > 5 ? Integer.parseInt(f[5]) : k / 2;
            int groups = f.length > 6 ? Integer.parseInt(f[6]) : 1;
            int dilation = f.length > 7 ? Integer.parseInt(f[7]) : 1;
            // one size per axis: "4000" is a 1-D layer, "56x56" a 2-D one, "8x28x28" a 3-D one (square kernels)
            int rank = hw.length;
            int[] ks = new int[rank];
            int[] ss = new int[rank];
            int[] ps = new int[2 * rank];
            Arrays.fill(ks, k);
            Arrays.fill(ss, st);
            Arrays.fill(ps, pad);
            int[] ds = new int[rank];
            Arrays.fill(ds, dilation);
            ConvGeometry g = ConvGeometry.builder().channels(c, m).group(groups).input(hw).kernel(ks)
                    .strides(ss).dilations(ds).padsOnnx(ps).build();
            Random r = new Random(7);
            float[] w = random(r, g.weightLength(), (float) (1 / Math.sqrt(g.reductionLength())));
            float[] bias = random(r, m, 0.1f);
            float[] in = random(r, g.inputLength(), 1f);
            float[] out = new float[g.outputLength()];
            ConvKernel[] kernels = new ConvKernel[algos.length];
            for (int a = 0; a < algos.length; a++) {
                kernels[a] = Convolutions.prepare(g, w, 0, bias, Epilogue.RELU, ConvAlgorithm.parse(algos[a]));
            }
            long[][] cpu = new long[algos.length][runs];
            long[][] wall = new long[algos.length][runs];
            for (int i = -Math.max(30, runs / 4); i < runs; i++) {
                for (int a0 = 0; a0 < algos.length; a0++) {
                    int a = (a0 + Math.max(i, 0)) % algos.length;
                    if (FLUSH != null) {
                        for (int j = 0; j < FLUSH.length; j += 16) {
                            FLUSH[j] += 1f;
                        }
                    }
                    long c0 = mx.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    kernels[a].run(in, 0, out, 0, p);
                    long t1 = System.nanoTime();
                    long c1 = mx.getCurrentThreadCpuTime();
                    if (i >= 0) {
                        cpu[a][i] = c1 - c0;
                        wall[a][i] = t1 - t0;
                    }
                }
            }
            double flops = 2.0 * g.outputLength() * g.reductionLength();
            StringBuilder line = new StringBuilder(String.format("%-16s", args[li]));
            for (int a = 0; a < algos.length; a++) {
                Arrays.sort(cpu[a]);
                Arrays.sort(wall[a]);
                double med = cpu[a][runs / 2] / 1e6;
                line.append(String.format("  %s cpu %.3f/%.3f wall %.3f (%.0f GF/s)", algos[a], med,
                        cpu[a][0] / 1e6, wall[a][runs / 2] / 1e6, flops / med / 1e6));
            }
            System.out.println(line);
        }
        System.out.printf("load %s%n", load());
        System.exit(0);
    }

    private static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (r.nextFloat() * 2 - 1) * scale;
        }
        return a;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
