package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.conv.NchwcConvOp;
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
 * Keeps the activations of MobileNet-type blocks channel-blocked ({@code [N, C/16, H, W, 16]}, ONNX Runtime's
 * NCHWc) between convolutions: each connected run of at least {@link #MIN_CHAIN} eligible convolutions becomes
 * {@link NchwcConvOp}s reading and writing the blocked layout, with one {@link NchwcReorderOp} per value entering
 * the run and one per value leaving it (read by any other node, or a graph output).
 *
 * <p>Eligible: a 2-D Conv with constant weights (and constant or no bias) that is 1x1, stride 1, unpadded, one
 * group, or depthwise (one input and one output channel per group); a fused residual only if a convolution of the
 * same run produced it. Runs that are too short would pay two reorders for one or two layers.
 *
 * <p>Why: vinfer's NCHW 1x1 kernels read K channel planes at once; blocked, a position's 16 channels are one
 * vector and a tensor is a few long streams (bench/README.md, "Channel-blocked chains"). The switch
 * {@code -Dvinfer.nchwc=false}, read when a session is optimized, leaves graphs as they are (for comparisons).
 */
public final class ChannelBlockedChains implements GraphPass {
    /** Fewest convolutions in a run worth converting. */
    static final int MIN_CHAIN = 3;
    /**
     * Convolutions a run needs per reorder at its edges: a reorder moves a tensor once, about what a small 1x1 layer
     * costs, so a run must be long against its edges to gain (MobileNetV2: 52 convolutions, 2 reorders).
     */
    static final int MEMBERS_PER_REORDER = 2;

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
        if (!Boolean.parseBoolean(System.getProperty("vinfer.nchwc", "true"))) {
            return g;
        }
        GraphIndex index = new GraphIndex(g);
        Map<Node, Boolean> eligible = new LinkedHashMap<>(); // node -> pointwise (else depthwise)
        for (Node n : g.nodes()) {
            Boolean kind = kind(n);
            if (kind != null) {
                eligible.put(n, kind);
            }
        }
        // Runs are connected through data inputs (input 0) only: ResNet's bottlenecks link a 1x1 to the next
        // block's 1x1 through residuals, but every block also passes through a 3x3 convolution in NCHW, so joining
        // them would put two reorders around every pair of 1x1 layers. A fused residual must come from the run.
        Map<Node, Node> root;
        while (true) {
            root = components(eligible.keySet(), index);
            boolean dropped = false;
            for (Node n : new ArrayList<>(eligible.keySet())) {
                if (((ConvOp) n.op()).hasResidual()) {
                    Node p = index.producer(n.input(ConvOp.RESIDUAL_INPUT));
                    if (p == null || !eligible.containsKey(p) || root.get(p) != root.get(n)) {
                        eligible.remove(n);
                        dropped = true;
                    }
                }
            }
            if (!dropped) {
                break;
            }
        }
        Map<Node, List<Node>> runs = new LinkedHashMap<>();
        for (Node n : eligible.keySet()) {
            runs.computeIfAbsent(root.get(n), k -> new ArrayList<>()).add(n);
        }
        List<Node> members = new ArrayList<>();
        for (List<Node> run : runs.values()) {
            if (run.size() >= MIN_CHAIN && run.size() >= MEMBERS_PER_REORDER * reorders(g, index, run)) {
                members.addAll(run);
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
                    rw.add(new Node(v.name() + "_to_nchwc", "", new NchwcReorderOp(true, channelsIn(c)),
                            new Value[] {v}, new Value[] {b}));
                }
                inputs[i] = b;
            }
            Value out = n.output(0);
            Value b = blocked.get(out);
            rw.replace(n, new Node(n.name(), n.domain(), new NchwcConvOp(c, kinds.get(n)), inputs, new Value[] {b}));
            if (index.isGraphOutput(out) || readOutside(g, out, in)) {
                rw.add(new Node(n.name() + "_from_nchwc", "", new NchwcReorderOp(false, channelsOut(c)),
                        new Value[] {b}, new Value[] {out}));
            }
        }
        return rw.build();
    }

    /** Whether a node outside the run reads {@code v} (or a member reads it as weights or bias). */
    private static boolean readOutside(Graph g, Value v, java.util.Set<Node> members) {
        for (Node n : g.nodes()) {
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

    /** Each eligible node's run, as a representative node: union over data (input 0) edges between them. */
    private static Map<Node, Node> components(java.util.Set<Node> nodes, GraphIndex index) {
        Map<Node, Node> parent = new HashMap<>();
        for (Node n : nodes) {
            parent.put(n, n);
        }
        for (Node n : nodes) {
            Node p = index.producer(n.input(0));
            if (p != null && nodes.contains(p)) {
                parent.put(find(parent, p), find(parent, n));
            }
        }
        Map<Node, Node> root = new HashMap<>();
        for (Node n : nodes) {
            root.put(n, find(parent, n));
        }
        return root;
    }

    /** Reorders a run would need: values entering it (inputs from outside) plus values leaving it. */
    private static int reorders(Graph g, GraphIndex index, List<Node> run) {
        java.util.Set<Node> in = new java.util.HashSet<>(run);
        java.util.Set<Value> entering = new java.util.HashSet<>();
        int leaving = 0;
        for (Node n : run) {
            Node p = index.producer(n.input(0));
            if (p == null || !in.contains(p)) {
                entering.add(n.input(0));
            }
            if (index.isGraphOutput(n.output(0)) || readOutside(g, n.output(0), in)) {
                leaving++;
            }
        }
        return entering.size() + leaving;
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
        if (group == 1 && ws[2] == 1 && ws[3] == 1 && unitStridesNoPads(c)) {
            return Boolean.TRUE;
        }
        if (group > 1 && ws[0] == group && ws[1] == 1) {
            return Boolean.FALSE;
        }
        return null;
    }

    private static boolean unitStridesNoPads(ConvOp c) {
        for (int d = 0; d < 2; d++) {
            if (c.attributes().stride(d) != 1) {
                return false;
            }
            int[] p = c.attributes().padding().resolve(d, 16, 1, 1, c.attributes().dilation(d));
            if (p[0] != 0 || p[1] != 0) {
                return false;
            }
        }
        return true;
    }
}
