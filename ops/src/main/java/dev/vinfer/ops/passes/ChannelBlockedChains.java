package dev.vinfer.ops.passes;

import static dev.vinfer.ops.passes.BlockedEligibility.channels;
import static dev.vinfer.ops.passes.BlockedEligibility.channelsIn;
import static dev.vinfer.ops.passes.BlockedEligibility.channelsOut;
import static dev.vinfer.ops.passes.BlockedEligibility.inputChannels;
import static dev.vinfer.ops.passes.BlockedEligibility.kind;
import static dev.vinfer.ops.passes.BlockedEligibility.strided;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.conv.NchwcAveragePoolOp;
import dev.vinfer.ops.conv.NchwcBatchNormOp;
import dev.vinfer.ops.conv.NchwcConcatOp;
import dev.vinfer.ops.conv.NchwcConvOp;
import dev.vinfer.ops.conv.NchwcGlobalAveragePoolOp;
import dev.vinfer.ops.conv.NchwcMaxPoolOp;
import dev.vinfer.ops.conv.NchwcReorderOp;
import dev.vinfer.ops.nn.norm.BatchNormalizationOp;
import dev.vinfer.ops.nn.pool.AveragePoolOp;
import dev.vinfer.ops.nn.pool.GlobalPoolOp;
import dev.vinfer.ops.nn.pool.MaxPoolOp;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs convolutions, and the max pools and channel Concats between them, on channel-blocked activations
 * ({@code [N, C/16, H, W, 16]}, ONNX Runtime's NCHWc): each connected run of eligible nodes becomes blocked ops
 * ({@link NchwcConvOp}, {@link NchwcMaxPoolOp}, {@link NchwcConcatOp}) reading and writing the blocked layout, with
 * one {@link NchwcReorderOp} per value entering the run and one per value leaving it (read by any other node, or a
 * graph output), where the run's estimated gain exceeds its reorders' cost ({@link #worthIt}).
 *
 * <p>Eligible: a 2-D Conv with constant weights (and constant or no bias) that is 1x1 (any stride), unpadded, one
 * group; or depthwise (one input and one output channel per group); or a one-group 3x3 stride-1 convolution the NCHW
 * kernels' AUTO choice would run with Winograd ({@link BlockedEligibility#winograd}: at least 16 channels on both
 * sides), run by the blocked Winograd kernel; or another one-group k x k convolution where the blocked direct kernel
 * beats the NCHW algorithms ({@link BlockedEligibility#directPays}: strided, or few input channels); or a network's
 * stem ({@link BlockedEligibility#stem}: at most 4 input channels, 3x3 to 7x7 with stride 2), which reads its plain
 * NCHW input itself (no reorder into the run: {@code NchwcStemConv}); or a strided one-group convolution of
 * channel counts that are multiples of 16 ({@link BlockedEligibility#gather}: ResNet's 3x3/2 layers), run by the
 * channels-last GEMM on blocked tensors ({@code NchwcGatherConv}), which joins the runs before and after it; with a
 * fused residual, only if the other addend
 * is a convolution's or a max pool's output of the same channel count. A 2-D MaxPool or a Concat along the channels
 * (inputs whose channel counts, from their producers, are multiples of 16 but the last) joins a run when a
 * convolution next to it is eligible. Runs are joined through data inputs and residuals, so a ResNet-50 stage (1x1,
 * 3x3, 1x1 and the shortcut) is one run without reorders inside, ResNet-18's basic blocks (3x3, 3x3 + shortcut) too,
 * and SqueezeNet's fire modules one run.
 *
 * <p>Why: vinfer's NCHW 1x1 kernels read K channel planes at once (K concurrent streams) and those on small planes
 * transpose through a scratch; blocked, a position's 16 channels are one vector, a tensor is a few long streams, and
 * the output tile is stored as it is (bench/README.md, "Channel-blocked chains"). The switch
 * {@code -Dvinfer.nchwc=false}, read when a session is optimized, leaves graphs as they are (for comparisons);
 * {@code -Dvinfer.nchwc=all} converts every eligible run whatever the estimate (for tests and measurements);
 * {@code -Dvinfer.nchwc.spatial=false} keeps to the 1x1 and depthwise convolutions of session 10;
 * {@code -Dvinfer.nchwc.winograd=false} leaves the Winograd-shaped 3x3 convolutions NCHW between reorders (as before
 * session 12; those with at most 32 input channels then run the blocked direct kernel as before). The blocked
 * Winograd kernel is only used where the session's {@link SessionOptions#convAlgorithm} is {@code auto}: a forced
 * NCHW algorithm stays in force for those layers. The same holds for the blocked stem, and
 * {@code -Dvinfer.nchwc.stem=false} leaves stems NCHW (as before session 13: a reorder after the stem, or after its
 * pool), and {@code -Dvinfer.nchwc.gather=false} leaves the strided layers NCHW between reorders (as before
 * session 17).
 */
public final class ChannelBlockedChains implements GraphPass {
    /**
     * Share of a 1x1 layer's time the blocked kernel saves, as measured on ResNet-50's and MobileNetV2's layers with
     * tensors out of cache (NchwcProbe, session 10: 0.85-0.96 and 0.64-0.92 of the NCHW kernels' time).
     */
    static final double POINTWISE_GAIN = 0.08;
    /** Share of a spatial (k x k) convolution's time the blocked direct kernel saves where it is eligible. */
    static final double DIRECT_GAIN = 0.10;
    /**
     * Share of a 3x3 stride-1 convolution's time the blocked Winograd kernel saves against the NCHW kernels. Measured
     * (NchwcProbe, session 12, Zen 5): 0.30-0.44 on planes of at least 36 tiles (ResNet's 56x56 and 28x28,
     * SqueezeNet's 55x55 and 27x27 against its blocked direct kernel 0.31-0.45), 0-0.22 on 16-tile planes (14x14,
     * 7x7), nothing on planes too small for it, which run the NCHW kernel between reorders inside the node. The pass
     * does not know the planes, so 0.2 stands between these. The run's reorders it removes count on their own (a
     * ResNet stage no longer reorders around each 3x3), so even a small gain converts a bottleneck stage.
     */
    static final double WINOGRAD_GAIN = 0.2;
    /**
     * Multiply-adds per output channel pair and position of the NCHW Winograd the gain is a share of: F(4 x 4, 3 x 3)
     * multiplies 36 transformed values per 16 outputs (2.25 per output, against 9 direct). Spatial sizes are not
     * known here; F(2,3) on 7x7 planes (4 per output) would give more, the transforms (not counted) more still.
     */
    static final double WINOGRAD_MULTIPLIES = 36.0 / 16;
    /**
     * A reorder's cost per channel and position, in multiply-add times: it loads and stores each value once and
     * shuffles 16 x 16 blocks, a few vector operations per 16 values against 16 multiply-adds per FMA.
     */
    static final double REORDER_COST = 4;
    /** A blocked Concat's copy per channel and position (the NCHW one is fused into its convolutions, free). */
    static final double COPY_COST = 1;

    /** What a member of a run becomes. */
    enum Kind {
        POINTWISE, DEPTHWISE, DIRECT, WINOGRAD, STEM, GATHER, MAX_POOL, CONCAT, BATCH_NORM, AVG_POOL
    }

    @Override
    public String name() {
        return "channel-blocked-chains";
    }

    /** Before {@link ConcatConvFusion} (950), so a Concat of blocked branches is still a Concat. */
    @Override
    public int order() {
        return 940;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        String mode = System.getProperty("vinfer.nchwc", "true");
        if (mode.equals("false")) {
            return g;
        }
        boolean all = mode.equals("all");
        boolean spatial = !"false".equals(System.getProperty("vinfer.nchwc.spatial"));
        // the blocked Winograd kernel stands in for the NCHW AUTO choice only: not where an algorithm is forced
        boolean auto = options == null || "auto".equalsIgnoreCase(options.convAlgorithm());
        boolean winograd = !"false".equals(System.getProperty("vinfer.nchwc.winograd")) && auto;
        // the blocked stem likewise stands in for the NCHW stem kernel AUTO picks
        boolean stem = !"false".equals(System.getProperty("vinfer.nchwc.stem")) && auto;
        // and the blocked channels-last GEMM for the strided layers AUTO runs with the NCHW one (between reorders)
        boolean gather = !"false".equals(System.getProperty("vinfer.nchwc.gather")) && auto;
        GraphIndex index = new GraphIndex(g);
        Map<Node, Kind> eligible = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            Kind kind = kind(n, index, winograd, stem, gather);
            if (kind != null && (spatial || kind == Kind.POINTWISE || kind == Kind.DEPTHWISE)) {
                eligible.put(n, kind);
            }
        }
        // A fused residual must be a member's output or another convolution's output of the same channel count
        // (ResNet's projection shortcut), or a max pool's of the same channel count (ResNet-18's first block adds
        // the stem pool's output): then it has the conv's output shape, as the blocked kernels require.
        for (Node n : new ArrayList<>(eligible.keySet())) {
            if (n.op() instanceof ConvOp c && c.hasResidual()) {
                Node p = index.producer(n.input(ConvOp.RESIDUAL_INPUT));
                boolean conv = p != null && p.outputCount() == 1 && p.op() instanceof ConvOp pc
                        && pc.constantWeights() != null && pc.constantWeights().shape()[0] == channelsOut(c);
                boolean pool = p != null && p.outputCount() == 1 && p.op() instanceof MaxPoolOp
                        && channels(n.input(ConvOp.RESIDUAL_INPUT), index) == channelsOut(c);
                if (!conv && !pool) {
                    eligible.remove(n);
                }
            }
        }
        // Pools and concatenations only join runs of convolutions: alone they would be reorders for nothing. A pool
        // joins only when its input is blocked already: moving a reorder from a pool's output to its input would
        // move 4x the data of a 3x3/2 pool (ResNet's stem pool).
        for (boolean removed = true; removed;) {
            removed = eligible.entrySet().removeIf(e -> (e.getValue() == Kind.MAX_POOL
                    || e.getValue() == Kind.AVG_POOL) && !eligible.containsKey(index.producer(e.getKey().input(0))));
        }
        eligible.entrySet().removeIf(e -> e.getValue() == Kind.CONCAT && !touchesConv(e.getKey(), eligible, index));
        // A BatchNorm joins a run it feeds a convolution of or is fed by one, or whose blocked output it reads
        // (DenseNet's pre-activations, and its transitions' BatchNorm before the pool); an average pool then only
        // one whose input stays blocked.
        eligible.entrySet().removeIf(e -> e.getValue() == Kind.BATCH_NORM && !touchesConv(e.getKey(), eligible, index)
                && !eligible.containsKey(index.producer(e.getKey().input(0))));
        for (boolean removed = true; removed;) {
            removed = eligible.entrySet().removeIf(e -> e.getValue() == Kind.AVG_POOL
                    && !eligible.containsKey(index.producer(e.getKey().input(0))));
        }
        Map<Node, Node> root = components(eligible, index);
        Map<Node, List<Node>> runs = new LinkedHashMap<>();
        for (Node n : eligible.keySet()) {
            runs.computeIfAbsent(root.get(n), k -> new ArrayList<>()).add(n);
        }
        // Runs are accepted in rounds: a value an accepted run already reorders (ResNet-50's max-pool output, read
        // by a shortcut and by the first 1x1) costs the next run nothing to read blocked.
        List<Node> members = new ArrayList<>();
        java.util.Set<Value> reordered = new java.util.HashSet<>();
        List<List<Node>> pending = new ArrayList<>(runs.values());
        for (boolean accepted = true; accepted;) {
            accepted = false;
            for (java.util.Iterator<List<Node>> it = pending.iterator(); it.hasNext();) {
                List<Node> run = it.next();
                if (all || worthIt(g, index, run, eligible, reordered)) {
                    members.addAll(run);
                    reordered.addAll(entering(index, run, eligible));
                    it.remove();
                    accepted = true;
                }
            }
        }
        if (members.isEmpty()) {
            return g;
        }
        return rewrite(g, index, members, eligible);
    }

    private static Graph rewrite(Graph g, GraphIndex index, List<Node> members, Map<Node, Kind> kinds) {
        Rewrite rw = new Rewrite(g);
        java.util.Set<Node> in = new java.util.HashSet<>(members);
        Map<Value, Value> blocked = new HashMap<>(); // NCHW value -> its blocked twin
        java.util.Set<Node> pooled = new java.util.HashSet<>(); // pools now reading a blocked tensor
        for (Node n : members) {
            Value out = n.output(0);
            blocked.put(out, rw.freshValue(out.name() + "_nchwc"));
        }
        for (Node n : members) {
            Kind kind = kinds.get(n);
            Value[] inputs = n.inputs().clone();
            for (int i : dataSlots(n, kind)) {
                Value v = inputs[i];
                Value b = blocked.get(v);
                if (b == null) {
                    // enters the run: one reorder per value, shared by every member reading it
                    b = rw.freshValue(v.name() + "_nchwc");
                    blocked.put(v, b);
                    rw.add(new Node(v.name() + "_to_nchwc", "", new NchwcReorderOp(true,
                            slotChannels(n, kind, i, index)), new Value[] {v}, new Value[] {b}));
                }
                inputs[i] = b;
            }
            Value out = n.output(0);
            Value b = blocked.get(out);
            Value[] outs = {b};
            switch (kind) {
                case POINTWISE, DEPTHWISE, DIRECT, WINOGRAD, STEM, GATHER -> rw.replace(n, new Node(n.name(),
                        n.domain(), new NchwcConvOp((ConvOp) n.op(), convKind(kind)), inputs, outs));
                case MAX_POOL -> rw.replace(n, new Node(n.name(), n.domain(),
                        new NchwcMaxPoolOp(((MaxPoolOp) n.op()).window(), channels(n.input(0), index)),
                        new Value[] {inputs[0]}, outs));
                case CONCAT -> rw.replace(n, new Node(n.name(), n.domain(),
                        new NchwcConcatOp(inputChannels(n, index)), inputs, outs));
                case BATCH_NORM -> rw.replace(n, new Node(n.name(), n.domain(), blockedBatchNorm(n),
                        new Value[] {inputs[0]}, outs));
                case AVG_POOL -> rw.replace(n, new Node(n.name(), n.domain(),
                        new NchwcAveragePoolOp((AveragePoolOp) n.op(), channels(n.input(0), index)),
                        new Value[] {inputs[0]}, outs));
                default -> throw new IllegalStateException(kind.toString());
            }
            int c = n.op() instanceof ConvOp conv ? channelsOut(conv) : channels(out, index);
            // Global average pools of the output read the blocked tensor; any other reader needs the reorder back.
            for (Node r : g.nodes()) {
                if (r.op() instanceof GlobalPoolOp gp && gp.opType().equals("GlobalAveragePool") && r.inputCount() == 1
                        && r.input(0) == out && r.outputCount() == 1) {
                    rw.replace(r, new Node(r.name(), r.domain(), new NchwcGlobalAveragePoolOp(c), new Value[] {b},
                            r.outputs()));
                    pooled.add(r);
                }
            }
            if (index.isGraphOutput(out) || readOutside(g, out, kinds, in, pooled)) {
                rw.add(new Node(n.name() + "_from_nchwc", "", new NchwcReorderOp(false, c), new Value[] {b},
                        new Value[] {out}));
            }
        }
        return rw.build();
    }

    /** The blocked twin of an eligible BatchNormalization node ({@link BlockedEligibility#batchNorm}). */
    private static NchwcBatchNormOp blockedBatchNorm(Node n) {
        BatchNormalizationOp bn = (BatchNormalizationOp) n.op();
        double[][] ab = bn.affine(n.input(1).constant(), n.input(2).constant(), n.input(3).constant(),
                n.input(4).constant());
        return new NchwcBatchNormOp(ab[0], ab[1], bn.relu());
    }

    private static NchwcConvOp.Kind convKind(Kind k) {
        return switch (k) {
            case POINTWISE -> NchwcConvOp.Kind.POINTWISE;
            case DEPTHWISE -> NchwcConvOp.Kind.DEPTHWISE;
            case WINOGRAD -> NchwcConvOp.Kind.WINOGRAD;
            case STEM -> NchwcConvOp.Kind.STEM;
            case GATHER -> NchwcConvOp.Kind.GATHER;
            default -> NchwcConvOp.Kind.DIRECT;
        };
    }

    /** The values a run reads from outside itself (each gets one reorder into the blocked layout). */
    private static java.util.Set<Value> entering(GraphIndex index, List<Node> run, Map<Node, Kind> kinds) {
        java.util.Set<Node> in = new java.util.HashSet<>(run);
        java.util.Set<Value> v = new java.util.HashSet<>();
        for (Node n : run) {
            for (Value x : dataInputs(n, kinds.get(n))) {
                Node p = index.producer(x);
                if (p == null || !in.contains(p)) {
                    v.add(x);
                }
            }
        }
        return v;
    }

    /**
     * Whether a node other than the run's members (and {@code also}, pools rewritten to read the blocked tensor)
     * reads {@code v}, or a member reads it other than as blocked data (weights, bias).
     */
    private static boolean readOutside(Graph g, Value v, Map<Node, Kind> kinds, java.util.Set<Node> members,
            java.util.Set<Node> also) {
        for (Node n : g.nodes()) {
            if (also.contains(n)) {
                continue;
            }
            for (int i = 0; i < n.inputCount(); i++) {
                if (n.input(i) != v) {
                    continue;
                }
                if (!members.contains(n) || !isDataSlot(n, kinds.get(n), i)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isDataSlot(Node n, Kind kind, int i) {
        for (int s : dataSlots(n, kind)) {
            if (s == i) {
                return true;
            }
        }
        return false;
    }

    /**
     * The input slots a member reads blocked: a conv's data input and residual, a pool's input, every Concat input;
     * none for a stem (it reads the plain input).
     */
    private static int[] dataSlots(Node n, Kind kind) {
        return switch (kind) {
            case CONCAT -> java.util.stream.IntStream.range(0, n.inputCount()).toArray();
            case MAX_POOL, BATCH_NORM, AVG_POOL -> new int[] {0};
            case STEM -> new int[0];
            default -> ((ConvOp) n.op()).hasResidual() ? new int[] {0, ConvOp.RESIDUAL_INPUT} : new int[] {0};
        };
    }

    private static List<Value> dataInputs(Node n, Kind kind) {
        List<Value> v = new ArrayList<>();
        for (int i : dataSlots(n, kind)) {
            v.add(n.input(i));
        }
        return v;
    }

    /** Whether a pool or Concat reads from or is read by an eligible convolution. */
    private static boolean touchesConv(Node n, Map<Node, Kind> eligible, GraphIndex index) {
        for (Value v : dataInputs(n, eligible.get(n))) {
            Kind k = eligible.get(index.producer(v));
            if (k != null && k != Kind.MAX_POOL && k != Kind.CONCAT && k != Kind.BATCH_NORM && k != Kind.AVG_POOL) {
                return true;
            }
        }
        for (Map.Entry<Node, Kind> e : eligible.entrySet()) {
            if (e.getValue() != Kind.MAX_POOL && e.getValue() != Kind.CONCAT && e.getValue() != Kind.BATCH_NORM
                    && e.getValue() != Kind.AVG_POOL
                    && dataInputs(e.getKey(), e.getValue()).contains(n.output(0))) {
                return true;
            }
        }
        return false;
    }

    /** Each eligible node's run, as a representative node: union over data and residual edges between them. */
    private static Map<Node, Node> components(Map<Node, Kind> nodes, GraphIndex index) {
        Map<Node, Node> parent = new HashMap<>();
        for (Node n : nodes.keySet()) {
            parent.put(n, n);
        }
        for (Node n : nodes.keySet()) {
            for (Value v : dataInputs(n, nodes.get(n))) {
                Node p = index.producer(v);
                if (p != null && nodes.containsKey(p)) {
                    parent.put(find(parent, p), find(parent, n));
                }
            }
        }
        Map<Node, Node> root = new HashMap<>();
        for (Node n : nodes.keySet()) {
            root.put(n, find(parent, n));
        }
        return root;
    }

    /**
     * Whether converting a run gains more than its edge reorders cost, estimated per output position from channel
     * counts alone (spatial sizes are not known here; a run's members and edges mostly share a resolution): a
     * blocked 1x1 saves about {@link #POINTWISE_GAIN} of its {@code K x M} multiply-adds but computes K and M rounded
     * up to 16 (ShuffleNet's 58, 116 and 232 channels lose more to that than they gain), a blocked k x k convolution
     * {@link #DIRECT_GAIN} of its {@code C x M x k x k / stride^2}, a blocked Winograd 3x3 {@link #WINOGRAD_GAIN} of
     * the NCHW Winograd's {@code C x M x} {@link #WINOGRAD_MULTIPLIES}, a reorder of C channels costs about
     * {@link #REORDER_COST} multiply-adds' time per channel moved, a blocked Concat {@link #COPY_COST}. Depthwise
     * members and pools count as neutral. MobileNetV2 converts whole; ResNet-50's stages convert whole (without the
     * blocked Winograd, {@code -Dvinfer.nchwc.winograd=false}: their 1x1 layers, with reorders around each 3x3
     * stride-1 convolution); a value another accepted run
     * already reorders costs nothing more ({@code reordered}); a 1x1 whose neighbours are all NCHW converts when
     * K x M is large against K + M (SqueezeNet's 512 -> 1000), not when it is small.
     */
    private static boolean worthIt(Graph g, GraphIndex index, List<Node> run, Map<Node, Kind> kinds,
            java.util.Set<Value> reordered) {
        java.util.Set<Node> in = new java.util.HashSet<>(run);
        java.util.Set<Value> entering = new java.util.HashSet<>(reordered);
        double gain = 0;
        double cost = 0;
        for (Node n : run) {
            Kind kind = kinds.get(n);
            if (kind == Kind.POINTWISE) {
                ConvOp c = (ConvOp) n.op();
                double k = channelsIn(c);
                double m = channelsOut(c);
                double padded = 16.0 * Math.ceil(k / 16) * 16.0 * Math.ceil(m / 16);
                gain += POINTWISE_GAIN * k * m - (padded - k * m);
                if (strided(c)) {
                    cost += REORDER_COST / 2 * k; // the subsampled copy of the input
                }
            } else if (kind == Kind.DIRECT) {
                ConvOp c = (ConvOp) n.op();
                int[] ws = c.constantWeights().shape();
                double k = channelsIn(c);
                double m = channelsOut(c);
                double padded = 16.0 * Math.ceil(k / 16) * 16.0 * Math.ceil(m / 16);
                double taps = (double) ws[2] * ws[3] / (c.attributes().stride(0) * c.attributes().stride(1));
                gain += (DIRECT_GAIN * k * m - (padded - k * m)) * taps;
            } else if (kind == Kind.WINOGRAD) {
                ConvOp c = (ConvOp) n.op();
                double k = channelsIn(c);
                double m = channelsOut(c);
                double padded = 16.0 * Math.ceil(k / 16) * 16.0 * Math.ceil(m / 16);
                gain += (WINOGRAD_GAIN * k * m - (padded - k * m)) * WINOGRAD_MULTIPLIES;
            } else if (kind == Kind.STEM) {
                // about the NCHW stem kernel's speed (NchwcStemConv); its gain is the reorder its output no longer
                // needs, which the run's edges already count; it computes M rounded up to 16
                ConvOp c = (ConvOp) n.op();
                int[] ws = c.constantWeights().shape();
                double m = channelsOut(c);
                gain -= (16.0 * Math.ceil(m / 16) - m) * ws[1] * ws[2] * ws[3]
                        / (c.attributes().stride(0) * c.attributes().stride(1));
            } else if (kind == Kind.CONCAT) {
                cost += COPY_COST * channels(n.output(0), index);
            }
            for (int i : dataSlots(n, kind)) {
                Value v = n.input(i);
                Node p = index.producer(v);
                if ((p == null || !in.contains(p)) && entering.add(v)) {
                    cost += REORDER_COST * slotChannels(n, kind, i, index);
                }
            }
            if (index.isGraphOutput(n.output(0)) || readOutside(g, n.output(0), kinds, in, java.util.Set.of())) {
                cost += REORDER_COST * (n.op() instanceof ConvOp conv ? channelsOut(conv) : channels(n.output(0),
                        index));
            }
        }
        return gain > cost;
    }

    private static Node find(Map<Node, Node> parent, Node n) {
        Node r = n;
        while (parent.get(r) != r) {
            r = parent.get(r);
        }
        return r;
    }

    /** The channels of the value a member reads blocked at input {@code slot}. */
    private static int slotChannels(Node n, Kind kind, int slot, GraphIndex index) {
        if (kind == Kind.MAX_POOL || kind == Kind.CONCAT || kind == Kind.BATCH_NORM || kind == Kind.AVG_POOL) {
            return channels(n.input(slot), index);
        }
        ConvOp c = (ConvOp) n.op();
        return slot == 0 ? channelsIn(c) : channelsOut(c);
    }
}
