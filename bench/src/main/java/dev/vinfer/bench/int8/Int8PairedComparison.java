package dev.vinfer.bench.int8;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vinfer.Vinfer;
import dev.vinfer.bench.paired.PairedTimes;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A supplement to {@link Int8ModelBenchmark} for a shared, noisy machine: in one JVM, alternates single runs of
 * vinfer on the int8 model, ONNX Runtime on the same file and vinfer float32 on the float model (where there is one),
 * so that all see the same background load; reports each median and the medians of the per-round ratios
 * ORT / vinfer-int8 and vinfer-fp32 / vinfer-int8 with their interquartile ranges. Not a replacement for the JMH
 * table on a quiet machine.
 *
 * <pre>java --add-modules jdk.incubator.vector -Dvinfer.int8.models=bench/target/int8-models \
 *     -cp bench/target/benchmarks.jar dev.vinfer.bench.int8.Int8PairedComparison shufflenet-qdq,resnet50 [threads] [rounds]</pre>
 */
public final class Int8PairedComparison {
    private Int8PairedComparison() {
    }

    public static void main(String[] args) throws OrtException {
        String[] models = args.length > 0 ? args[0].split(",") : new String[] {"shufflenet-qdq", "resnet50",
            "mobilenetv2"};
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        float[] x = new float[3 * 224 * 224];
        Random r = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (String m : models) {
            List<Runnable> engines = new ArrayList<>();
            List<AutoCloseable> open = new ArrayList<>();
            try {
                engines.add(vinfer(Int8ModelBenchmark.file(m, true), threads, x, open));
                engines.add(ort(env, Int8ModelBenchmark.file(m, true), threads, x, open));
                if (!m.equals("shufflenet-qdq")) {
                    engines.add(vinfer(Int8ModelBenchmark.file(m, false), threads, x, open));
                }
                for (int i = 0; i < rounds; i++) {
                    engines.forEach(Runnable::run);
                }
                double[][] t = new double[engines.size()][rounds];
                for (int i = 0; i < rounds; i++) {
                    for (int e = 0; e < engines.size(); e++) {
                        long t0 = System.nanoTime();
                        engines.get(e).run();
                        t[e][i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                double[] ortRatio = new double[rounds];
                double[] fpRatio = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    ortRatio[i] = t[1][i] / t[0][i];
                    fpRatio[i] = engines.size() > 2 ? t[2][i] / t[0][i] : Double.NaN;
                }
                System.out.printf(Locale.ROOT, "%-15s threads=%d rounds=%d  vinfer-int8 %.2f ms  ort-int8 %.2f ms%s"
                        + "  ORT/vinfer-int8 %.2f (IQR %.2f..%.2f)%s%n", m, threads, rounds, q(t[0], 0.5),
                        q(t[1], 0.5), engines.size() > 2 ? String.format(Locale.ROOT, "  vinfer-fp32 %.2f ms",
                                q(t[2], 0.5)) : "", q(ortRatio, 0.5), q(ortRatio, 0.25), q(ortRatio, 0.75),
                        engines.size() > 2 ? String.format(Locale.ROOT, "  fp32/int8 %.2f (IQR %.2f..%.2f)",
                                q(fpRatio, 0.5), q(fpRatio, 0.25), q(fpRatio, 0.75)) : "");
            } finally {
                for (AutoCloseable c : open) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        // closing at the end of a benchmark; nothing to recover
                    }
                }
            }
        }
    }

    private static Runnable vinfer(Path file, int threads, float[] x, List<AutoCloseable> open) {
        Session s = Vinfer.open(file, new SessionOptions().threads(threads));
        open.add(s);
        Map<String, Tensor> feed = Map.of(s.inputs().get(0).name(), Tensor.of(x, 1, 3, 224, 224));
        return () -> s.run(feed);
    }

    private static Runnable ort(OrtEnvironment env, Path file, int threads, float[] x, List<AutoCloseable> open)
            throws OrtException {
        OrtSession session;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(file.toString(), o);
        }
        open.add(session);
        OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, 224, 224});
        open.add(input);
        Map<String, OnnxTensor> feed = Map.of(session.getInputNames().iterator().next(), input);
        return () -> {
            try (OrtSession.Result r = session.run(feed)) {
                r.get(0);
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static double q(double[] a, double p) {
        return PairedTimes.quantile(a, p);
    }
}
