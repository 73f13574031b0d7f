package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import dev.vinfer.bench.paired.PairedTimes;
import java.util.Locale;

/**
 * A supplement to {@link WholeModelBenchmark} for a shared, noisy machine: opens a family in vinfer and in ONNX
 * Runtime side by side and alternates single runs of the two (vinfer, ORT, vinfer, ORT, ...), so that both see the
 * same background load ({@link PairedTimes}); reports the median time of each and the median of the per-pair
 * ratios with its interquartile range. Not a replacement for the JMH table on a quiet machine.
 *
 * <p>At more than one thread the alternation itself disturbs the result: ONNX Runtime's pool threads spin for a while
 * after each of its runs and hold the second core during vinfer's next run (measured 2026-11-29, ResNet-18 at 2
 * threads: vinfer 25.7 ms next to a spinning ORT, 19.2 ms with {@code -Dvinfer.bench.ortSpin=false}, 15.3 ms alone in
 * JMH). Turning the spinning off slows ORT instead (MobileNetV2 4.60 -> 5.52 ms). Two-thread ratios therefore come
 * from the JMH table, where each engine runs in its own fork.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.PairedComparison resnet50 [threads] [pairs]</pre>
 */
public final class PairedComparison {
    private PairedComparison() {
    }

    public static void main(String[] args) throws Exception {
        String[] models = args.length > 0 ? args[0].split(",") : new String[] {"resnet18"};
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        if (threads > 1) {
            System.out.println("note: at " + threads + " threads the engines disturb each other (ORT's threads spin "
                    + "after a run; -Dvinfer.bench.ortSpin=false stops that but slows ORT): use the JMH table");
        }
        for (String m : models) {
            Family f = Family.byId(m);
            try (Engine.Runner v = Engine.VINFER.open(ModelFiles.fullSize(f), threads);
                    Engine.Runner o = Engine.ORT.open(ModelFiles.fullSize(f), threads)) {
                float[] input = ModelFiles.input(f);
                v.bind("input", input, f.fullInput());
                o.bind("input", input, f.fullInput());
                PairedTimes t = PairedTimes.measure(v::run, o::run, pairs);
                System.out.printf(Locale.ROOT, "%-13s threads=%d pairs=%d  %s%n", f.id(), threads, pairs,
                        t.summary(2));
            }
        }
    }
}
