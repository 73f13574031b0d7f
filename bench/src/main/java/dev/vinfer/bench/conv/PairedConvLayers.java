package dev.vinfer.bench.conv;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.vinfer.Vinfer;
import dev.vinfer.bench.paired.PairedTimes;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.nio.FloatBuffer;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 3's layers timed on a shared, noisy machine: one Conv node (with bias) opened in vinfer, once per forced
 * algorithm, and in ONNX Runtime; single runs of vinfer and ONNX Runtime alternate, so both see the same background
 * load (as {@code PairedDepthwise} does). Prints median times and the median per-pair ratio with its interquartile
 * range, and the load average. Not a replacement for {@link ConvLayerBench} on a quiet machine.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.conv.PairedConvLayers threads pairs LAYER[,LAYER...] [algo[,algo...]]</pre>
 *
 * LAYER is a {@link ConvLayer} name or {@code RESNET3D10_STEM} (3->64, 7x7x7, stride (1, 2, 2), pad 3 on
 * 16x112x112) or {@code 1d:C:M:L:k} (a 1-D layer, C -> M channels on L samples, kernel k, 'same' padding);
 * algo defaults to {@code auto}.
 */
public final class PairedConvLayers {
    private PairedConvLayers() {
    }

    static ConvGeometry geometry(String name) {
        if (name.equalsIgnoreCase("RESNET3D10_STEM")) {
            return ConvGeometry.builder().channels(3, 64).input(16, 112, 112).kernel(7, 7, 7).strides(1, 2, 2)
                    .padsOnnx(3, 3, 3, 3, 3, 3).build();
        }
        if (name.startsWith("1d:")) {
            // 1d:C,M,L,k - a 1-D layer of C -> M channels on L samples, kernel k, stride 1, 'same' padding
            String[] v = name.substring(3).split(":");
            int c = Integer.parseInt(v[0]);
            int m = Integer.parseInt(v[1]);
            int k = Integer.parseInt(v[3]);
            return ConvGeometry.builder().channels(c, m).input(Integer.parseInt(v[2])).kernel(k)
                    .padsOnnx((k - 1) / 2, k / 2).build();
        }
        return ConvLayer.valueOf(name.trim().toUpperCase(Locale.ROOT)).geometry();
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int pairs = Integer.parseInt(args[1]);
        String[] layers = args[2].split(",");
        String[] algos = (args.length > 3 ? args[3] : "auto").split(",");
        System.out.println("load before: " + PairedTimes.loadAverage());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (String name : layers) {
            ConvGeometry g = geometry(name);
            byte[] model = ConvModels.convModel(g, ConvModels.weights(g, 1), ConvModels.random(2, g.outChannels()));
            float[] x = ConvModels.random(3, g.inputLength());
            Tensor input = Tensor.of(x, ConvModels.inputShape(g));
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            long[] shape = java.util.Arrays.stream(ConvModels.inputShape(g)).asLongStream().toArray();
            try (OrtSession ort = env.createSession(model, o);
                    OnnxTensor ortIn = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
                Map<String, OnnxTensor> feed = Map.of("x", ortIn);
                for (String algo : algos) {
                    try (Session v = Vinfer.open(model, new SessionOptions().threads(threads).convAlgorithm(algo))) {
                        PairedTimes.Run vr = () -> v.run(input);
                        PairedTimes.Run or = () -> {
                            try (OrtSession.Result r = ort.run(feed)) {
                                return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
                            }
                        };
                        PairedTimes t = PairedTimes.measure(vr, or, pairs);
                        // Under heavy load the medians mostly measure the other processes; the fastest of many
                        // alternated runs is the best estimate of an undisturbed run for both engines.
                        double[] best = fastest(vr, or, pairs);
                        System.out.printf(Locale.ROOT, "%-28s %-16s threads=%d  %s  fastest: vinfer %.3f ORT %.3f"
                                + " ms, ORT/vinfer %.2f%n", name, algo, threads, t.summary(3), best[0], best[1],
                                best[1] / best[0]);
                    }
                }
            }
        }
        System.out.println("load after: " + PairedTimes.loadAverage());
    }

    /** The fastest of {@code runs} alternated runs of each engine, ms. */
    private static double[] fastest(PairedTimes.Run v, PairedTimes.Run o, int runs) throws Exception {
        double bv = Double.MAX_VALUE;
        double bo = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            v.run();
            long t1 = System.nanoTime();
            o.run();
            long t2 = System.nanoTime();
            bv = Math.min(bv, (t1 - t0) / 1e6);
            bo = Math.min(bo, (t2 - t1) / 1e6);
        }
        return new double[] {bv, bo};
    }
}
