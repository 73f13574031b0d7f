package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.GraphBuilder;
import dev.vinfer.bench.models.Layers;
import dev.vinfer.bench.paired.PairedTimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * The families' non-convolution layers (issue 4): their max-pools, global average pools and batch-1
 * fully-connected Gemms, each as a one-node model opened in vinfer and ONNX Runtime side by side with single runs
 * alternated (as {@link PairedComparison} does for whole models), so both see the same background load. Prints the
 * median times and the median per-pair ratio with its interquartile range.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.PairedPooling [threads] [pairs] [case,...]</pre>
 */
public final class PairedPooling {
    private record Case(int[] input, BiFunction<Layers, String, String> layer) {
    }

    private static final Map<String, Case> CASES = new LinkedHashMap<>();

    static {
        add("resnet-maxpool", (l, x) -> l.maxPool(x, 3, 2, 1, false), 1, 64, 112, 112);
        add("squeezenet-maxpool1", (l, x) -> l.maxPool(x, 3, 2, 0, true), 1, 64, 111, 111);
        add("squeezenet-maxpool2", (l, x) -> l.maxPool(x, 3, 2, 0, true), 1, 128, 55, 55);
        add("squeezenet-maxpool3", (l, x) -> l.maxPool(x, 3, 2, 0, true), 1, 256, 27, 27);
        add("m5-maxpool1", (l, x) -> l.maxPool(x, 4, 4, 0, false), 1, 128, 3981);
        add("m5-maxpool2", (l, x) -> l.maxPool(x, 4, 4, 0, false), 1, 128, 995);
        add("m5-maxpool3", (l, x) -> l.maxPool(x, 4, 4, 0, false), 1, 256, 248);
        add("m5-maxpool4", (l, x) -> l.maxPool(x, 4, 4, 0, false), 1, 512, 62);
        add("resnet3d-maxpool", (l, x) -> l.maxPool(x, 3, 2, 1, false), 1, 64, 16, 56, 56);
        add("avgpool-2x2", (l, x) -> l.avgPool(x, 2, 2, 0), 1, 128, 56, 56);
        add("gap-512@7", (l, x) -> l.globalAvgPool(x), 1, 512, 7, 7);
        add("gap-2048@7", (l, x) -> l.globalAvgPool(x), 1, 2048, 7, 7);
        add("gap-1280@7", (l, x) -> l.globalAvgPool(x), 1, 1280, 7, 7);
        add("fc-512-1000", (l, x) -> l.linear(x, 1000), 1, 512);
        add("fc-2048-1000", (l, x) -> l.linear(x, 1000), 1, 2048);
        add("fc-1280-1000", (l, x) -> l.linear(x, 1000), 1, 1280);
    }

    private static void add(String name, BiFunction<Layers, String, String> layer, int... input) {
        CASES.put(name, new Case(input, layer));
    }

    private PairedPooling() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        String[] names = args.length > 2 ? args[2].split(",") : CASES.keySet().toArray(String[]::new);
        System.out.println("load " + PairedTimes.loadAverage() + ", threads " + threads + ", pairs " + pairs);
        for (String name : names) {
            Case c = CASES.get(name.trim());
            if (c == null) {
                throw new IllegalArgumentException("unknown case " + name + "; known: " + CASES.keySet());
            }
            Layers l = new Layers(name, 7);
            String x = l.input("x", c.input());
            l.output(c.layer().apply(l, x));
            Path file = Files.createTempFile("pool", ".onnx");
            try {
                GraphBuilder.write(l.model(), file);
                int n = 1;
                for (int d : c.input()) {
                    n *= d;
                }
                float[] data = new float[n];
                Random r = new Random(3);
                for (int i = 0; i < n; i++) {
                    data[i] = (float) r.nextGaussian();
                }
                try (Engine.Runner v = Engine.VINFER.open(file, threads);
                        Engine.Runner o = Engine.ORT.open(file, threads)) {
                    v.bind("x", data, c.input());
                    o.bind("x", data, c.input());
                    PairedTimes t = PairedTimes.measure(v::run, o::run, pairs);
                    System.out.printf(Locale.ROOT, "%-20s %s%n", name, t.summary(4));
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
        System.out.println("load " + PairedTimes.loadAverage());
    }
}
