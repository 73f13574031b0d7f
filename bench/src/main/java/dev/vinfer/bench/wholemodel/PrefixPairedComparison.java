package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import dev.vinfer.bench.paired.PairedTimes;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.onnx.proto.OnnxIr.TypeProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where each engine's time goes, without a profiler: cuts a family's graph at every point where a single tensor
 * carries everything later nodes need (a block boundary: after a residual Add or a block's last conv), writes the
 * prefix up to each cut as a model of its own, and times vinfer against ONNX Runtime on each prefix with alternated
 * runs ({@link PairedTimes}). A stage's time in either engine is the difference between two consecutive prefixes'
 * medians. ONNX Runtime's own profiler adds a cost to every node (MobileNetV2: its per-node sums read about 1.3x its
 * unprofiled run), so per-stage ratios read from it favour the engine with fewer nodes; these differences carry no
 * such cost. Each prefix ends with one output copy (and for both engines the blocked layout's reorder), which the
 * differences cancel.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.PrefixPairedComparison mobilenetv2 [threads] [rounds] [every]</pre>
 * {@code every} keeps every n-th cut (default 1) for long chains.
 */
public final class PrefixPairedComparison {
    private PrefixPairedComparison() {
    }

    public static void main(String[] args) throws Exception {
        Family f = Family.byId(args.length > 0 ? args[0] : "mobilenetv2");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int every = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(ModelFiles.fullSize(f)));
        List<Integer> cuts = cuts(model.getGraph(), every);
        Path dir = Files.createTempDirectory("vinfer-prefix");
        float[] input = ModelFiles.input(f);
        System.out.printf(Locale.ROOT, "%s, %d thread(s), %d rounds of %d pairs a prefix, %d prefixes; load %s%n",
                f.id(), threads, rounds, BLOCK, cuts.size(), PairedTimes.loadAverage());
        int n = cuts.size();
        Engine.Runner[][] r = new Engine.Runner[n][2];
        double[][][] ms = new double[n][2][rounds * (BLOCK - SETTLE)];
        try {
            for (int k = 0; k < n; k++) {
                Path file = dir.resolve("prefix_" + cuts.get(k) + ".onnx");
                Files.write(file, prefix(model, cuts.get(k)).toByteArray());
                r[k][0] = Engine.VINFER.open(file, threads);
                r[k][1] = Engine.ORT.open(file, threads);
                Files.delete(file);
                for (Engine.Runner e : r[k]) {
                    e.bind("input", input, f.fullInput());
                    for (int i = 0; i < WARMUP; i++) {
                        e.run();
                    }
                }
            }
            // Rounds over all prefixes, so that a drift of the machine's speed (this VM's come and go over minutes)
            // reaches every prefix alike; within a round each prefix runs a block of alternated pairs, the first
            // few not counted (its weights were evicted by the prefix before).
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < n; k++) {
                    for (int i = 0; i < BLOCK; i++) {
                        long t0 = System.nanoTime();
                        r[k][0].run();
                        long t1 = System.nanoTime();
                        r[k][1].run();
                        long t2 = System.nanoTime();
                        if (i >= SETTLE) {
                            int at = round * (BLOCK - SETTLE) + i - SETTLE;
                            ms[k][0][at] = (t1 - t0) / 1e6;
                            ms[k][1][at] = (t2 - t1) / 1e6;
                        }
                    }
                }
            }
        } finally {
            for (Engine.Runner[] pair : r) {
                for (Engine.Runner e : pair) {
                    if (e != null) {
                        e.close();
                    }
                }
            }
            Files.deleteIfExists(dir);
        }
        System.out.printf(Locale.ROOT, "%-5s %-26s %-34s %8s %8s %8s %8s %6s%n", "cut", "last node", "ops in stage",
                "vinfer", "ORT", "v stage", "ORT stg", "ORT/v");
        double prevV = 0;
        double prevO = 0;
        int prevCut = -1;
        for (int k = 0; k < n; k++) {
            int cut = cuts.get(k);
            double v = PairedTimes.quantile(ms[k][0], 0.5);
            double o = PairedTimes.quantile(ms[k][1], 0.5);
            NodeProto last = model.getGraph().getNode(cut);
            System.out.printf(Locale.ROOT, "%-5d %-26s %-34s %8.3f %8.3f %8.3f %8.3f %6.2f%n", cut,
                    clip(last.getName().isEmpty() ? last.getOutput(0) : last.getName(), 26),
                    clip(ops(model.getGraph(), prevCut + 1, cut), 34), v, o, v - prevV, o - prevO,
                    (o - prevO) / (v - prevV));
            prevV = v;
            prevO = o;
            prevCut = cut;
        }
        System.out.printf(Locale.ROOT, "load %s%n", PairedTimes.loadAverage());
    }

    /** Ops that end a fused chain rather than a block. */
    private static final Set<String> ACTIVATIONS = Set.of("Relu", "Clip", "Sigmoid", "LeakyRelu", "HardSigmoid");

    /** Pairs a prefix runs in each round, and of those the first not counted. */
    private static final int BLOCK = 24;
    private static final int SETTLE = 4;
    /** Runs of each session before the rounds, for the JIT. */
    private static final int WARMUP = 150;

    /**
     * Node indices after which exactly one tensor is live (produced so far, read later or a graph output), the last
     * node included; every {@code every}-th such boundary, and always the last.
     */
    static List<Integer> cuts(GraphProto g, int every) {
        Set<String> constants = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            constants.add(t.getName());
        }
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String in : g.getNode(i).getInputList()) {
                if (!in.isEmpty() && !constants.contains(in)) {
                    lastUse.put(in, i);
                }
            }
        }
        for (ValueInfoProto out : g.getOutputList()) {
            lastUse.put(out.getName(), Integer.MAX_VALUE);
        }
        Set<String> live = new LinkedHashSet<>();
        for (ValueInfoProto in : g.getInputList()) {
            if (!constants.contains(in.getName())) {
                live.add(in.getName());
            }
        }
        List<Integer> cuts = new ArrayList<>();
        int seen = 0;
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String out : g.getNode(i).getOutputList()) {
                if (!out.isEmpty()) {
                    live.add(out);
                }
            }
            final int at = i;
            live.removeIf(name -> lastUse.getOrDefault(name, -1) <= at);
            boolean last = i == g.getNodeCount() - 1;
            if (last || live.size() == 1 && g.getNode(i).getOutputList().containsAll(live)
                    && blockEnd(g, i, live.iterator().next()) && ++seen % every == 0) {
                cuts.add(i);
            }
        }
        return cuts;
    }

    /**
     * Whether the single live tensor {@code t} after node {@code i} ends a block rather than sits inside a chain that
     * the engines fuse (Conv, BatchNormalization, activation): it is read by more than one node (a residual fork), or
     * node {@code i} is no activation and the next node is a Conv or Gemm (a linear bottleneck's end, as in
     * MobileNetV2, or the classifier's input).
     */
    private static boolean blockEnd(GraphProto g, int i, String t) {
        int readers = 0;
        for (NodeProto n : g.getNodeList()) {
            readers += n.getInputList().contains(t) ? 1 : 0;
        }
        if (readers > 1) {
            return true;
        }
        String op = g.getNode(i).getOpType();
        boolean linear = !ACTIVATIONS.contains(op);
        String next = i + 1 < g.getNodeCount() ? g.getNode(i + 1).getOpType() : "";
        return linear && (next.equals("Conv") || next.equals("Gemm"));
    }

    /** The model with nodes {@code 0..cut}, node {@code cut}'s first output as its only output. */
    static ModelProto prefix(ModelProto model, int cut) {
        GraphProto g = model.getGraph();
        String out = g.getNode(cut).getOutput(0);
        GraphProto.Builder b = g.toBuilder().clearNode().clearOutput().clearInitializer().clearValueInfo();
        Set<String> used = new HashSet<>();
        for (int i = 0; i <= cut; i++) {
            b.addNode(g.getNode(i));
            used.addAll(g.getNode(i).getInputList());
        }
        for (TensorProto t : g.getInitializerList()) {
            if (used.contains(t.getName())) {
                b.addInitializer(t);
            }
        }
        ValueInfoProto info = null;
        for (ValueInfoProto v : g.getValueInfoList()) {
            if (v.getName().equals(out)) {
                info = v;
            }
        }
        for (ValueInfoProto v : g.getOutputList()) {
            if (v.getName().equals(out)) {
                info = v;
            }
        }
        if (info == null) {
            info = ValueInfoProto.newBuilder().setName(out).setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)))
                    .build();
        }
        b.addOutput(info);
        return model.toBuilder().setGraph(b).build();
    }

    private static String ops(GraphProto g, int from, int to) {
        Map<String, Integer> count = new LinkedHashMap<>();
        for (int i = from; i <= to; i++) {
            count.merge(g.getNode(i).getOpType(), 1, Integer::sum);
        }
        StringBuilder s = new StringBuilder();
        count.forEach((op, n) -> s.append(s.length() == 0 ? "" : ",").append(n > 1 ? n + op : op));
        return s.toString();
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n);
    }
}
