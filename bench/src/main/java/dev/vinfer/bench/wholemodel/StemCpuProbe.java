package dev.vinfer.bench.wholemodel;

import dev.vinfer.Vinfer;
import dev.vinfer.bench.conv.ConvModels;
import dev.vinfer.bench.models.Family;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A diagnostic (not a benchmark): is a family's first convolution (its stem) slower inside the network than alone?
 * Alternates, in one JVM and one thread, (a) a whole-model run right after another one, taking the stem's time as the caller's <b>CPU time</b>
 * from just before {@code Session.run} to the first node's profiler callback (input binding included), (b) the same
 * stem geometry as a one-node session ({@code run}: its output is a fresh array the JVM zeroes), (c) the same with
 * {@code runInto} an output tensor kept across runs. CPU time is robust to the preemption a loaded machine causes
 * (not to a busy sibling hyperthread). Prints medians and bests in ms.
 *
 * <pre>java --add-modules jdk.incubator.vector -Dvinfer.bench.models=bench/target/bench-models \
 *     -cp bench/target/benchmarks.jar dev.vinfer.bench.wholemodel.StemCpuProbe resnet18 3,64,224,7,2,3 200</pre>
 * The stem is {@code C,M,input,kernel,stride,pad} (square). The one-node model has no activation, the network's
 * stem a fused Relu or Clip.
 */
public final class StemCpuProbe {
    private StemCpuProbe() {
    }

    public static void main(String[] args) throws Exception {
        Family f = Family.byId(args[0]);
        int[] s = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ConvGeometry g = ConvGeometry.builder().channels(s[0], s[1]).input(s[2], s[2]).kernel(s[3], s[3])
                .strides(s[4], s[4]).padsOnnx(s[5], s[5], s[5], s[5]).build();
        float[] x = ConvModels.random(11, g.inputLength());
        Tensor layerIn = Tensor.of(x, ConvModels.inputShape(g));
        Tensor layerOut = Tensor.of(new float[g.outputLength()], ConvModels.outputShape(g));
        Map<String, Tensor> feed = Map.of("input", Tensor.of(ModelFiles.input(f), f.fullInput()));
        byte[] layerModel = ConvModels.convModel(g, ConvModels.weights(g, 3), ConvModels.random(5, g.outChannels()));
        System.out.printf("load %s%n", load());
        try (Session model = Vinfer.open(ModelFiles.fullSize(f), new SessionOptions().threads(1));
                Session layer = Vinfer.open(layerModel, new SessionOptions().threads(1))) {
            String in = layer.inputs().get(0).name();
            String out = layer.outputs().get(0).name();
            long[] inModel = new long[runs];
            long[] inModelWall = new long[runs];
            long[] alone = new long[runs];
            long[] aloneInto = new long[runs];
            String[] first = new String[1];
            for (int i = -runs / 4; i < runs; i++) {
                model.run(feed); // so that the measured run follows a whole-network run, as in steady state
                long[] mark = new long[2];
                long c0 = mx.getCurrentThreadCpuTime();
                model.run(feed, t -> {
                    if (mark[0] == 0) {
                        mark[0] = mx.getCurrentThreadCpuTime();
                        mark[1] = t.nanos();
                        first[0] = t.node().name() + " " + t.node().op().opType() + " [" + t.node().op().describe()
                                + "]";
                    }
                });
                long c1 = mx.getCurrentThreadCpuTime();
                layer.run(Map.of(in, layerIn));
                long c2 = mx.getCurrentThreadCpuTime();
                layer.runInto(Map.of(in, layerIn), Map.of(out, layerOut));
                long c3 = mx.getCurrentThreadCpuTime();
                if (i >= 0) {
                    inModel[i] = mark[0] - c0;
                    inModelWall[i] = mark[1];
                    alone[i] = c2 - c1;
                    aloneInto[i] = c3 - c2;
                }
            }
            System.out.printf(Locale.ROOT, "%s first node %s, %d runs%n", f.id(), first[0], runs);
            print("in the network (CPU, run start to node 1 done)", inModel);
            print("in the network (node 1 wall, profiler)", inModelWall);
            print("one-node session, run (fresh output)", alone);
            print("one-node session, runInto (kept output)", aloneInto);
        }
        System.out.printf("load %s%n", load());
    }

    private static void print(String what, long[] t) {
        long[] c = t.clone();
        Arrays.sort(c);
        System.out.printf(Locale.ROOT, "  %-48s median %7.3f best %7.3f ms%n", what, c[c.length / 2] / 1e6, c[0] / 1e6);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
