package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.nn.pool.GlobalPoolOp;
import dev.vinfer.ops.conv.NchwcConvOp;
import dev.vinfer.ops.conv.NchwcGlobalAveragePoolOp;
import dev.vinfer.ops.conv.NchwcReorderOp;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs 1x1 and depthwise convolutions on channel-blocked activations ({@code [N, C/16, H, W, 16]}, ONNX Runtime's
 * NCHWc): each connected run of eligible convolutions becomes {@link NchwcConvOp}s reading and writing the blocked
 * layout, with one {@link NchwcReorderOp} per value entering the run and one per value leaving it (read by any other
 * node, or a graph output), where the run's estimated gain exceeds its reorders' cost ({@link #worthIt}).
 *
 * <p>Eligible: a 2-D Conv with constant weights (and constant or no bias) that is 1x1 (any stride), unpadded, one
 * group, or depthwise (one input and one output channel per group); with a fused residual, only if the other addend
 * is a convolution's output of the same channel count. Runs are joined through data inputs and residuals, so a
 * ResNet-50 stage is one run whose 3x3 and strided convolutions stay NCHW between reorders.
 *
 * <p>Why: vinfer's NCHW 1x1 kernels read K channel planes at once (K concurrent streams) and those on small planes
 * transpose through a scratch; blocked, a position's 16 channels are one vector, a tensor is a few long streams, and
 * the output tile is stored as it is (bench/README.md, "Channel-blocked chains"). The switch
 * {@code -Dvinfer.nchwc=false}, read when a session is optimized, leaves graphs as they are (for comparisons);
 * {@code -Dvinfer.nchwc=all} converts every eligible run whatever the estimate (for tests and measurements).
 */
public final class ChannelBlockedChains implements GraphPass {
    /**
     * Share of a 1x1 layer's time the blocked kernel saves, as measured on ResNet-50's and MobileNetV2's layers with
     * tensors out of cache (NchwcProbe, session 10: 0.85-0.96 and 0.64-0.92 of the NCHW kernels' time).
     */
    static final double POINTWISE_GAIN = 0.08;
    /**
     * A reorder's cost per channel and position, in multiply-add times: it loads and stores each value once and
     * shuffles 16 x 16 blocks, a few vector operations per 16 values against 16 multiply-adds per FMA.
     */
    static final double REORDER_COST = 4;

    @Override
    public String name() {
        return "channel-blocked-chains";
    }

    @Override
    public int order() {
        return 960;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        String mode = System.getProperty("vinfer.nchwc", "true");
        if (mode.equals("false")) {
            return g;
        }
        boolean all = mode.equals("all");
        GraphIndex index = new GraphIndex(g);
        Map<Node, Boolean> eligible = new LinkedHashMap<>(); // node -> pointwise (else depthwise)
        for (Node n : g.nodes()) {
            Boolean kind = kind(n);
            if (kind != null) {
                eligible.put(n, kind);
            }
        }
        // A fused residual must be a member's output or another convolution's output of the same channel count
        // (ResNet's projection shortcut): then it has the conv's output shape, as the blocked kernels require.
        for (Node n : new ArrayList<>(eligible.keySet())) {
            if (((ConvOp) n.op()).hasResidual()) {
                Node p = index.producer(n.input(ConvOp.RESIDUAL_INPUT));
                boolean conv = p != null && p.outputCount() == 1 && p.op() instanceof ConvOp pc
                        && pc.constantWeights() != null && pc.constantWeights().shape()[0] == channelsOut(
                                (ConvOp) n.op());
                if (!conv) {
                    eligible.remove(n);
                }
            }
        }
        Map<Node, Node> root = components(eligible.keySet(), index);
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
                if (all || worthIt(g, index, run, reordered)) {
                    members.addAll(run);
                    reordered.addAll(entering(index, run));
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

    private static Graph rewrite(Graph g, GraphIndex index, List<Node> members, Map<Node, Boolean> kinds) {
        Rewrite rw = new Rewrite(g);
        java.util.Set<Node> in = new java.util.HashSet<>(members);
        Map<Value, Value> blocked = new HashMap<>(); // NCHW value -> its blocked twin
        java.util.Set<Node> pooled = new java.util.HashSet<>(); // pools now reading a blocked tensor
        for (Node n : members) {
            Value out = n.output(0);
            blocked.put(out, rw.freshValue(out.name() + "_nchwc"));
        }
        for (Node n : members) {
            ConvOp c = (ConvOp) n.op();
            Value[] inputs = n.inputs().clone();
            for (int i : c.hasResidual() ? new int[] {0, ConvOp.RESIDUAL_INPUT} : new int[] {0}) {
                Value v = inputs[i];
                Value b = blocked.get(v);
                if (b == null) {
                    // enters the run: one reorder per value, shared by every member reading it
                    b = rw.freshValue(v.name() + "_nchwc");
                    blocked.put(v, b);
                    rw.add(new Node(v.name() + "_to_nchwc", "", new NchwcReorderOp(true,
                            i == 0 ? channelsIn(c) : channelsOut(c)), new Value[] {v}, new Value[] {b}));
                }
                inputs[i] = b;
            }
            Value out = n.output(0);
            Value b = blocked.get(out);
            rw.replace(n, new Node(n.name(), n.domain(), new NchwcConvOp(c, kinds.get(n)), inputs, new Value[] {b}));
            // Global average pools of the output read the blocked tensor; any other reader needs the reorder back.
            for (Node r : g.nodes()) {
                if (r.op() instanceof GlobalPoolOp gp && gp.opType().equals("GlobalAveragePool") && r.inputCount() == 1
                        && r.input(0) == out && r.outputCount() == 1) {
                    rw.replace(r, new Node(r.name(), r.domain(), new NchwcGlobalAveragePoolOp(channelsOut(c)),
                            new Value[] {b}, r.outputs()));
                    pooled.add(r);
                }
            }
            if (index.isGraphOutput(out) || readOutside(g, out, in, pooled)) {
                rw.add(new Node(n.name() + "_from_nchwc", "", new NchwcReorderOp(false, channelsOut(c)),
                        new Value[] {b}, new Value[] {out}));
            }
        }
        return rw.build();
    }

    /** Whether a node outside the run reads {@code v} (or a member reads it as weights or bias). */
    /** The values a run reads from outside itself (each gets one reorder into the blocked layout). */
    private static java.util.Set<Value> entering(GraphIndex index, List<Node> run) {
        java.util.Set<Node> in = new java.util.HashSet<>(run);
        java.util.Set<Value> v = new java.util.HashSet<>();
        for (Node n : run) {
            for (Value x : dataInputs(n)) {
                Node p = index.producer(x);
                if (p == null || !in.contains(p)) {
                    v.add(x);
                }
            }
        }
        return v;
    }

    private static boolean readOutside(Graph g, Value v, java.util.Set<Node> members) {
        return readOutside(g, v, members, java.util.Set.of());
    }

    /** As above, not counting the nodes of {@code also} (pools rewritten to read the blocked tensor). */
    private static boolean readOutside(Graph g, Value v, java.util.Set<Node> members, java.util.Set<Node> also) {
        for (Node n : g.nodes()) {
            if (also.contains(n)) {
                continue;
            }
            for (int i = 0; i < n.inputCount(); i++) {
                if (n.input(i) != v) {
                    continue;
                }
                boolean data = i == 0 || (i == ConvOp.RESIDUAL_INPUT && ((n.op() instanceof ConvOp c)
                        && c.hasResidual()));
                if (!members.contains(n) || !data) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The data input and, with a fused residual, the other addend. */
    private static List<Value> dataInputs(Node n) {
        List<Value> v = new ArrayList<>();
        v.add(n.input(0));
        if (((ConvOp) n.op()).hasResidual()) {
            v.add(n.input(ConvOp.RESIDUAL_INPUT));
        }
        return v;
    }

    /** Each eligible node's run, as a representative node: union over data and residual edges between them. */
    private static Map<Node, Node> components(java.util.Set<Node> nodes, GraphIndex index) {
        Map<Node, Node> parent = new HashMap<>();
        for (Node n : nodes) {
            parent.put(n, n);
        }
        for (Node n : nodes) {
            for (Value v : dataInputs(n)) {
                Node p = index.producer(v);
                if (p != null && nodes.contains(p)) {
                    parent.put(find(parent, p), find(parent, n));
                }
            }
        }
        Map<Node, Node> root = new HashMap<>();
        for (Node n : nodes) {
            root.put(n, find(parent, n));
        }
        return root;
    }

    /**
     * Whether converting a run gains more than its edge reorders cost, estimated per output position from channel
     * counts alone (spatial sizes are not known here; a run's members and edges mostly share a resolution): a
     * blocked 1x1 saves about {@link #POINTWISE_GAIN} of its {@code K x M} multiply-adds but computes K and M rounded up
     * to 16 (ShuffleNet's 58, 116 and 232 channels lose more to that than they gain), a reorder of C channels
     * costs about {@link #REORDER_COST} multiply-adds' time per channel moved. Depthwise members count as neutral.
     * MobileNetV2 converts whole; ResNet-50's bottleneck 1x1 layers convert with reorders around each 3x3
     * convolution (which stays NCHW for Winograd); a value another accepted run already reorders costs nothing more
     * ({@code reordered}); a 1x1 whose neighbours are all NCHW converts when K x M is large
     * against K + M (SqueezeNet's 512 -> 1000), not when it is small (its 128 -> 16 squeezes).
     */
    private static boolean worthIt(Graph g, GraphIndex index, List<Node> run, java.util.Set<Value> reordered) {
        java.util.Set<Node> in = new java.util.HashSet<>(run);
        java.util.Set<Value> entering = new java.util.HashSet<>(reordered);
        double gain = 0;
        double cost = 0;
        for (Node n : run) {
            ConvOp c = (ConvOp) n.op();
            if (c.attributes().group() == 1) {
                double k = channelsIn(c);
                double m = channelsOut(c);
                double padded = 16.0 * Math.ceil(k / 16) * 16.0 * Math.ceil(m / 16);
                gain += POINTWISE_GAIN * k * m - (padded - k * m);
                if (strided(c)) {
                    cost += REORDER_COST / 2 * k; // the subsampled copy of the input
                }
            }
            List<Value> data = dataInputs(n);
            for (int i = 0; i < data.size(); i++) {
                Value v = data.get(i);
                Node p = index.producer(v);
                if ((p == null || !in.contains(p)) && entering.add(v)) {
                    cost += REORDER_COST * (i == 0 ? channelsIn(c) : channelsOut(c));
                }
            }
            if (index.isGraphOutput(n.output(0)) || readOutside(g, n.output(0), in)) {
                cost += REORDER_COST * channelsOut(c);
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

    private static int channelsIn(ConvOp c) {
        return c.constantWeights().shape()[1] * c.attributes().group();
    }

    private static int channelsOut(ConvOp c) {
        return c.constantWeights().shape()[0];
    }

    /** TRUE for an eligible 1x1, FALSE for an eligible depthwise, null otherwise. */
    private static Boolean kind(Node n) {
        if (!(n.op() instanceof ConvOp c) || n.outputCount() != 1 || n.inputCount() < 2 || n.input(0) == null) {
            return null;
        }
        Tensor w = c.constantWeights();
        if (w == null || n.input(1) == null || n.input(1).constant() != w || w.rank() != 4) {
            return null;
        }
        Value b = n.inputCount() > 2 ? n.input(2) : null;
        if (b == null ? c.constantBias() != null : !(b.isConstant() && b.constant() == c.constantBias())) {
            return null;
        }
        if (c.hasResidual() && (n.inputCount() <= ConvOp.RESIDUAL_INPUT || n.input(ConvOp.RESIDUAL_INPUT) == null)) {
            return null;
        }
        int[] ws = w.shape();
        int group = c.attributes().group();
        if (group == 1 && ws[2] == 1 && ws[3] == 1 && noPads(c)) {
            return Boolean.TRUE;
        }
        if (group > 1 && ws[0] == group && ws[1] == 1) {
            return Boolean.FALSE;
        }
        return null;
    }

    private static boolean noPads(ConvOp c) {
        for (int d = 0; d < 2; d++) {
            int[] p = c.attributes().padding().resolve(d, 16, 1, c.attributes().stride(d), c.attributes().dilation(d));
            if (p[0] != 0 || p[1] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean strided(ConvOp c) {
        return c.attributes().stride(0) != 1 || c.attributes().stride(1) != 1;
    }
}
