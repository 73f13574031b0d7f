package dev.vinfer.bench.conv;

import dev.vinfer.bench.paired.PairedTimes;
import dev.vinfer.bench.wholemodel.Engine;
import dev.vinfer.conv.ConvGeometry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Depthwise layers timed on a shared, noisy machine: each layer is opened in vinfer and ONNX Runtime side by side
 * and single runs of the two are alternated, so both see the same background load (as {@code PairedComparison} does
 * for whole models); prints the median times and the median per-pair ratio with its interquartile range. The
 * default layers are issue 3's depthwise row and the depthwise layers of MobileNetV2 (3x3, pad 1, stride 1 and 2,
 * 112x112 down to 7x7). Not a replacement for JMH's {@link ConvLayerBench} on a quiet machine.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.conv.PairedDepthwise [threads] [pairs] [channels@size/stride[/kernel],...]</pre>
 */
public final class PairedDepthwise {
    private static final String DEFAULT_LAYERS = "144@56/1,32@112/1,96@112/2,144@56/2,192@28/1,192@28/2,384@14/1,"
            + "576@14/1,576@14/2,960@7/1";

    private PairedDepthwise() {
    }

    public static void main(String[] args) throws IOException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String[] layers = (args.length > 2 ? args[2] : DEFAULT_LAYERS).split(",");
        double vinferSum = 0;
        double ortSum = 0;
        for (String spec : layers) {
            ConvGeometry g = parse(spec);
            byte[] bytes = ConvModels.convModel(g, ConvModels.weights(g, 1), ConvModels.random(2, g.outChannels()));
            Path file = Files.createTempFile("dw", ".onnx");
            try {
                Files.write(file, bytes);
                float[] x = ConvModels.random(3, g.inputLength());
                try (Engine.Runner v = Engine.VINFER.open(file, threads);
                        Engine.Runner o = Engine.ORT.open(file, threads)) {
                    v.bind("x", x, ConvModels.inputShape(g));
                    o.bind("x", x, ConvModels.inputShape(g));
                    PairedTimes t = PairedTimes.measure(v::run, o::run, pairs);
                    vinferSum += t.vinferMedianMs();
                    ortSum += t.ortMedianMs();
                    System.out.printf(Locale.ROOT, "dw 3x3 %-12s threads=%d  %s%n", spec, threads, t.summary(4));
                } catch (Exception e) {
                    throw new IllegalStateException(spec + ": " + e.getMessage(), e);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
        System.out.printf(Locale.ROOT, "sum of medians: vinfer %.3f ms  ORT %.3f ms  ORT/vinfer %.2f%n", vinferSum,
                ortSum, ortSum / vinferSum);
    }

    /** {@code C@S/stride[/k]}: C channels, an SxS input, a kxk kernel (default 3) with pad k/2. */
    static ConvGeometry parse(String spec) {
        try {
            String[] a = spec.trim().split("[@/]");
            int c = Integer.parseInt(a[0]);
            int size = Integer.parseInt(a[1]);
            int stride = Integer.parseInt(a[2]);
            int k = a.length > 3 ? Integer.parseInt(a[3]) : 3;
            int p = k / 2;
            return ConvGeometry.builder().channels(c, c).group(c).input(size, size).kernel(k, k)
                    .strides(stride, stride).padsOnnx(p, p, p, p).build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("layer spec must look like 144@56/1 or 96@112/2/5, got " + spec, e);
        }
    }
}
