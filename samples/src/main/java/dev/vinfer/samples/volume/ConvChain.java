package dev.vinfer.samples.volume;

import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.SliceConv3d;
import dev.vinfer.ops.conv.ConvAttributes;
import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.conv.ConvPadding;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * A model that is a plain chain of 3-D convolutions (stride 1, one group, odd kernels, "same" zero padding, any
 * dilation), each optionally followed by Relu, recognised in an imported graph so that {@link SliceStream} can run
 * it slice by slice. Fully convolutional, so it accepts volumes of any size whatever the model declares.
 */
public final class ConvChain {
    private final List<SliceConv3d> layers;

    private ConvChain(List<SliceConv3d> layers) {
        this.layers = List.copyOf(layers);
    }

    public List<SliceConv3d> layers() {
        return layers;
    }

    public int inChannels() {
        return layers.get(0).inChannels();
    }

    public int outChannels() {
        return layers.get(layers.size() - 1).outChannels();
    }

    /** How far the whole chain reaches along depth: the sum of the layers' reaches (its receptive radius). */
    public int depthReach() {
        return layers.stream().mapToInt(SliceConv3d::depthReach).sum();
    }

    /**
     * The chain in {@code g}, or throws {@link IllegalArgumentException} saying why {@code g} is not one.
     *
     * @param vector use the Vector API kernels when available
     */
    public static ConvChain of(Graph g, boolean vector) {
        List<Value> inputs = g.inputs().stream().filter(v -> !v.isConstant()).toList();
        if (inputs.size() != 1 || g.outputs().size() != 1) {
            throw new IllegalArgumentException("not a chain: " + inputs.size() + " inputs and " + g.outputs().size()
                    + " outputs");
        }
        List<Spec> specs = new ArrayList<>();
        Value current = inputs.get(0);
        Value end = g.outputs().get(0);
        while (current != end) {
            Node next = onlyReader(g, current);
            String op = next.op().opType();
            if (next.op() instanceof ConvOp conv) {
                specs.add(spec(next, conv));
                if (conv.epilogue().kind() == Epilogue.Kind.RELU) {
                    specs.get(specs.size() - 1).relu = true;
                } else if (conv.epilogue().kind() != Epilogue.Kind.NONE) {
                    throw new IllegalArgumentException(next.label() + ": fused " + conv.epilogue() + " not supported");
                }
            } else if (op.equals("Relu") && !specs.isEmpty()) {
                specs.get(specs.size() - 1).relu = true;
            } else if (!op.equals("Identity")) {
                throw new IllegalArgumentException(next.label() + " is not a 3-D convolution or Relu");
            }
            if (next.outputCount() != 1) {
                throw new IllegalArgumentException(next.label() + " has several outputs");
            }
            current = next.output(0);
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no convolution in the graph");
        }
        List<SliceConv3d> layers = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Spec s = specs.get(i);
            if (i > 0 && specs.get(i - 1).outC != s.inC) {
                throw new IllegalArgumentException("layer " + i + " takes " + s.inC + " channels but gets "
                        + specs.get(i - 1).outC);
            }
            layers.add(SliceConv3d.prepare(s.inC, s.outC, s.kernel, s.dilation, s.w.floats(), s.w.offset(),
                    s.bias == null ? null : s.bias.toFloatArray(), s.relu, vector));
        }
        return new ConvChain(layers);
    }

    private static final class Spec {
        int inC;
        int outC;
        int[] kernel;
        int[] dilation;
        Tensor w;
        Tensor bias;
        boolean relu;
    }

    private static Spec spec(Node node, ConvOp conv) {
        Tensor w = node.inputCount() > 1 && node.input(1) != null ? node.input(1).constant() : null;
        Tensor b = node.inputCount() > 2 && node.input(2) != null ? node.input(2).constant() : null;
        if (w == null || w.dtype() != DType.FLOAT32 || w.rank() != 5) {
            throw new IllegalArgumentException(node.label() + " needs constant float32 3-D weights");
        }
        if (node.inputCount() > 2 && node.input(2) != null && b == null) {
            throw new IllegalArgumentException(node.label() + " has a computed bias");
        }
        ConvAttributes a = conv.attributes();
        if (a.group() != 1) {
            throw new IllegalArgumentException(node.label() + " has " + a.group() + " groups");
        }
        Spec s = new Spec();
        s.outC = w.dim(0);
        s.inC = w.dim(1);
        s.kernel = new int[] {w.dim(2), w.dim(3), w.dim(4)};
        s.dilation = new int[3];
        for (int i = 0; i < 3; i++) {
            int stride = a.strides() == null ? 1 : a.strides()[i];
            int dilation = a.dilations() == null ? 1 : a.dilations()[i];
            int k = s.kernel[i];
            if (stride != 1 || k % 2 == 0) {
                throw new IllegalArgumentException(node.label() + ": stride " + stride + ", kernel " + k
                        + " (needs stride 1 and an odd kernel)");
            }
            // "Same" padding: explicit pads of (k / 2) * dilation both sides, or SAME_* (symmetric for odd k).
            ConvPadding p = a.padding();
            int reach = k / 2 * dilation;
            boolean same = switch (p.mode()) {
                case SAME_UPPER, SAME_LOWER -> true;
                case VALID -> reach == 0;
                case EXPLICIT -> p.begin()[i] == reach && p.end()[i] == reach;
            };
            if (!same) {
                throw new IllegalArgumentException(node.label() + " does not keep the volume's size (padding "
                        + p + ")");
            }
            s.dilation[i] = dilation;
        }
        s.w = w;
        s.bias = b;
        return s;
    }

    private static Node onlyReader(Graph g, Value v) {
        Node found = null;
        for (Node n : g.nodes()) {
            for (Value in : n.inputs()) {
                if (in == v) {
                    if (found != null && found != n) {
                        throw new IllegalArgumentException("value '" + v.name() + "' has several readers");
                    }
                    found = n;
                }
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("value '" + v.name() + "' is not read by any node");
        }
        return found;
    }

    @Override
    public String toString() {
        return layers.size() + " layers, " + inChannels() + " -> " + outChannels() + " channels, depth reach "
                + depthReach();
    }
}
