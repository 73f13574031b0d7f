package dev.vinfer.bench.conv;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The two depthwise kernels ({@code DEPTHWISE}: per channel along rows; {@code DEPTHWISE_BLOCKED}: channels in the
 * vector lanes) on the same layers, one thread, straight through {@link ConvKernel#run} (no session, no output
 * allocation), single runs alternated so both see the same background load; prints best and median thread CPU
 * time per run and their ratio. CPU time, not wall time: on the shared 2-core machine it is far less disturbed.
 * This is what {@code AutoDepthwiseRule.depthwise} (AUTO's choice between the two) was measured with.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.conv.DepthwiseKernels [runs] [channels@size/stride[/kernel],...]</pre>
 */
public final class DepthwiseKernels {
    private static final String DEFAULT_LAYERS = "144@56/1,32@112/1,96@112/2,144@56/2,192@28/1,192@28/2,"
            + "384@14/1,576@14/1,576@14/2,960@7/1,128@56/1,128@56/2,256@28/1,256@28/2,512@14/1,512@14/2,"
            + "512@7/1/7v";

    private DepthwiseKernels() {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        String[] layers = (args.length > 1 ? args[1] : DEFAULT_LAYERS).split(",");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "%-14s %12s %12s %12s %12s %8s%n", "layer", "dw best ms", "dw median",
                "blk best ms", "blk median", "dw/blk");
        for (String spec : layers) {
            ConvGeometry g = parse(spec.trim());
            float[] w = ConvModels.weights(g, 1);
            float[] bias = ConvModels.random(2, g.outChannels());
            float[] x = ConvModels.random(3, g.inputLength());
            float[] out = new float[g.outputLength()];
            Epilogue e = Epilogue.clip(0f, 6f);
            ConvKernel[] k = {
                Convolutions.prepare(g, w, 0, bias, e, ConvAlgorithm.DEPTHWISE),
                Convolutions.prepare(g, w, 0, bias, e, ConvAlgorithm.DEPTHWISE_BLOCKED)};
            long[][] t = new long[2][runs];
            for (int i = 0; i < 200; i++) { // warm-up
                k[i % 2].run(x, 0, out, 0, Parallel.SERIAL);
            }
            for (int i = 0; i < runs; i++) {
                for (int a = 0; a < 2; a++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    k[a].run(x, 0, out, 0, Parallel.SERIAL);
                    t[a][i] = mx.getCurrentThreadCpuTime() - t0;
                }
            }
            Arrays.sort(t[0]);
            Arrays.sort(t[1]);
            System.out.printf(Locale.ROOT, "%-14s %12.4f %12.4f %12.4f %12.4f %8.2f%n", spec, t[0][0] / 1e6,
                    t[0][runs / 2] / 1e6, t[1][0] / 1e6, t[1][runs / 2] / 1e6,
                    (double) t[0][runs / 2] / t[1][runs / 2]);
        }
    }

    /** {@code C@S/stride[/k]} as {@link PairedDepthwise#parse}; kernel "7v" = 7x7 unpadded (a global depthwise). */
    static ConvGeometry parse(String spec) {
        if (spec.endsWith("v")) {
            String[] a = spec.substring(0, spec.length() - 1).split("[@/]");
            int c = Integer.parseInt(a[0]);
            int size = Integer.parseInt(a[1]);
            int k = Integer.parseInt(a[3]);
            return ConvGeometry.builder().channels(c, c).group(c).input(size, size).kernel(k, k)
                    .strides(Integer.parseInt(a[2]), Integer.parseInt(a[2])).build();
        }
        return PairedDepthwise.parse(spec);
    }
}
