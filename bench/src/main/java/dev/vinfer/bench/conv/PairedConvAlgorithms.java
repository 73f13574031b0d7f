package dev.vinfer.bench.conv;

import dev.vinfer.bench.wholemodel.Engine;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.runtime.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One convolution layer under several forced vinfer algorithms and ONNX Runtime, single runs alternated round-robin
 * in one JVM (vinfer algo 1, algo 2, ..., ORT, vinfer algo 1, ...), so that every variant sees the same background
 * load on a shared machine; prints each variant's median time, GFLOP/s and the median of the per-round ratios ORT
 * time / variant time. Meant for choosing between algorithms on one layer (the selection rules of
 * {@code ConvAlgorithm}); not a replacement for JMH's {@link ConvLayerBench} on a quiet machine.
 *
 * <p>Layers are {@code C>M@H[xW]/k/s[/p]} (2-D, square kernel k, stride s, pad p, default k/2), e.g.
 * {@code 512>2048@7/1/1} (ResNet-50's last expanding 1x1) or {@code 256>512@14/3/2} (ResNet-18's strided 3x3).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.conv.PairedConvAlgorithms threads rounds algo1,algo2,... layer1,layer2,...</pre>
 */
public final class PairedConvAlgorithms {
    /** ResNet-50/18 and MobileNetV2 layers on small planes (the ones issue 3/4's profiles show losing most). */
    static final String DEFAULT_LAYERS = "512>2048@7/1/1,2048>512@7/1/1,1024>2048@14/1/2,256>1024@14/1/1,"
            + "1024>256@14/1/1,512>1024@28/1/2,128>512@28/1/1,512>128@28/1/1,64>256@56/1/1,256>64@56/1/1,"
            + "256>512@14/3/2,160>960@7/1/1,960>160@7/1/1,96>576@14/1/1,576>96@14/1/1";

    private PairedConvAlgorithms() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        String[] algos = (args.length > 2 ? args[2] : "auto").split(",");
        String[] layers = (args.length > 3 ? args[3] : DEFAULT_LAYERS).split(",");
        System.out.printf(Locale.ROOT, "threads=%d rounds=%d load %s%n", threads, rounds, load());
        double[] sums = new double[algos.length + 1];
        for (String spec : layers) {
            ConvGeometry g = parse(spec);
            double flops = 2.0 * g.outputLength() * g.reductionLength();
            Path file = Files.createTempFile("layer", ".onnx");
            List<AutoCloseable> open = new ArrayList<>();
            try {
                Files.write(file, ConvModels.convModel(g, ConvModels.weights(g, 1),
                        ConvModels.random(2, g.outChannels())));
                float[] x = ConvModels.random(3, g.inputLength());
                int n = algos.length + 1;
                Engine.Runner[] runners = new Engine.Runner[n];
                for (int i = 0; i < algos.length; i++) {
                    runners[i] = vinfer(file, threads, algos[i]);
                    open.add(runners[i]);
                }
                runners[n - 1] = Engine.ORT.open(file, threads);
                open.add(runners[n - 1]);
                for (Engine.Runner r : runners) {
                    r.bind("x", x, ConvModels.inputShape(g));
                }
                double[][] ms = new double[n][rounds];
                for (int round = -rounds; round < rounds; round++) { // the first half warms up
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        runners[i].run();
                        long t1 = System.nanoTime();
                        if (round >= 0) {
                            ms[i][round] = (t1 - t0) / 1e6;
                        }
                    }
                }
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-18s", spec));
                for (int i = 0; i < n; i++) {
                    double med = median(ms[i]);
                    sums[i] += med;
                    line.append(String.format(Locale.ROOT, "  %s %.3f ms %.0f GF/s", i < algos.length ? algos[i]
                            : "ORT", med, flops / med / 1e6));
                    if (i < algos.length) {
                        double[] ratio = new double[rounds];
                        for (int r = 0; r < rounds; r++) {
                            ratio[r] = ms[n - 1][r] / ms[i][r];
                        }
                        line.append(String.format(Locale.ROOT, " (ORT/x %.2f)", median(ratio)));
                    }
                }
                System.out.println(line);
            } finally {
                for (AutoCloseable c : open) {
                    c.close();
                }
                Files.deleteIfExists(file);
            }
        }
        StringBuilder total = new StringBuilder("sum of medians:");
        for (int i = 0; i < sums.length; i++) {
            total.append(String.format(Locale.ROOT, "  %s %.3f ms", i < algos.length ? algos[i] : "ORT", sums[i]));
        }
        System.out.println(total);
        System.out.printf(Locale.ROOT, "load %s%n", load());
    }

    private static Engine.Runner vinfer(Path file, int threads, String algo) {
        return Engine.openVinfer(file, new SessionOptions().threads(threads).convAlgorithm(algo));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** {@code C>M@H[xW]/k/s[/p]}. */
    static ConvGeometry parse(String spec) {
        try {
            String[] a = spec.trim().split("[>@/]");
            int c = Integer.parseInt(a[0]);
            int m = Integer.parseInt(a[1]);
            String[] hw = a[2].split("x");
            int h = Integer.parseInt(hw[0]);
            int w = hw.length > 1 ? Integer.parseInt(hw[1]) : h;
            int k = Integer.parseInt(a[3]);
            int s = Integer.parseInt(a[4]);
            int p = a.length > 5 ? Integer.parseInt(a[5]) : k / 2;
            return ConvGeometry.builder().channels(c, m).input(h, w).kernel(k, k).strides(s, s)
                    .padsOnnx(p, p, p, p).build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("layer spec must look like 512>2048@7/1/1 or 256>512@14/3/2, got "
                    + spec, e);
        }
    }
}
