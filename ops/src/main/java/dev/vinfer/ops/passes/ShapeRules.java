package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.Map;
import java.util.Set;

/**
 * How the output shape (and dtype) of a node follows from its inputs', for static shape inference. Three kinds of
 * rule: elementwise ops keep input 0's shape; broadcasting ops take the numpy broadcast of their inputs; Conv uses
 * its geometry; and a list of ops whose output shape depends only on input shapes plus the contents of inputs that
 * are constants is evaluated once on zero-filled tensors (small ones only). Ops not listed (NonZero,
 * NonMaxSuppression, If, Loop, ...) have data-dependent shapes: their outputs stay unknown.
 */
final class ShapeRules {
    private ShapeRules() {
    }

    /** A value whose shape and dtype are known before run time. */
    record Known(int[] shape, DType dtype) {
    }

    /** Data inputs are fed as zeros; above this many elements a node is not evaluated. */
    static final long EVALUATION_BUDGET = 1 << 22;

    private static final Set<String> SAME_AS_INPUT0 = Set.of("Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu",
            "ThresholdedRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softplus", "Softsign", "Gelu", "Mish",
            "Clip", "Sqrt", "Exp", "Log", "Abs", "Neg", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Erf", "Sin",
            "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Identity", "Dropout",
            "BatchNormalization", "InstanceNormalization", "LRN", "LayerNormalization", "GroupNormalization",
            "Softmax", "LogSoftmax", "Hardmax", "CumSum", "Trilu");

    private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min",
            "Sum", "Mean", "BitShift");

    private static final Set<String> BROADCAST_BOOL = Set.of("Equal", "Less", "Greater", "LessOrEqual",
            "GreaterOrEqual", "And", "Or", "Xor");

    /** Marks an op all of whose inputs may be zeros. */
    private static final int[] ALL = {};

    /** Ops evaluated on zeros, with the inputs that may be zeros; every other input must be a constant. */
    private static final Map<String, int[]> EVALUATED = Map.ofEntries(
            Map.entry("Reshape", new int[] {0}), Map.entry("Flatten", new int[] {0}),
            Map.entry("Squeeze", new int[] {0}), Map.entry("Unsqueeze", new int[] {0}),
            Map.entry("Transpose", new int[] {0}), Map.entry("Concat", ALL), Map.entry("Gather", new int[] {0, 1}),
            Map.entry("GatherElements", new int[] {0, 1}), Map.entry("GatherND", new int[] {0, 1}),
            Map.entry("Slice", new int[] {0}), Map.entry("Expand", new int[] {0}), Map.entry("Tile", new int[] {0}),
            Map.entry("Pad", new int[] {0, 2}), Map.entry("Split", new int[] {0}),
            Map.entry("SpaceToDepth", new int[] {0}), Map.entry("DepthToSpace", new int[] {0}),
            Map.entry("MaxPool", new int[] {0}), Map.entry("AveragePool", new int[] {0}),
            Map.entry("LpPool", new int[] {0}), Map.entry("GlobalAveragePool", new int[] {0}),
            Map.entry("GlobalMaxPool", new int[] {0}), Map.entry("GlobalLpPool", new int[] {0}),
            Map.entry("Gemm", new int[] {0, 1, 2}), Map.entry("MatMul", new int[] {0, 1}),
            Map.entry("ConvTranspose", new int[] {0, 1, 2}), Map.entry("Einsum", ALL),
            Map.entry("Resize", new int[] {0, 1}), Map.entry("Upsample", new int[] {0}),
            Map.entry("ReduceMean", new int[] {0}), Map.entry("ReduceSum", new int[] {0}),
            Map.entry("ReduceMax", new int[] {0}), Map.entry("ReduceMin", new int[] {0}),
            Map.entry("ReduceProd", new int[] {0}), Map.entry("ReduceL1", new int[] {0}),
            Map.entry("ReduceL2", new int[] {0}), Map.entry("ReduceLogSum", new int[] {0}),
            Map.entry("ReduceLogSumExp", new int[] {0}), Map.entry("ReduceSumSquare", new int[] {0}),
            Map.entry("ArgMax", new int[] {0}), Map.entry("ArgMin", new int[] {0}), Map.entry("TopK", new int[] {0}),
            Map.entry("OneHot", new int[] {0, 2}), Map.entry("Cast", new int[] {0}),
            Map.entry("CastLike", new int[] {0, 1}), Map.entry("IsNaN", new int[] {0}),
            Map.entry("IsInf", new int[] {0}), Map.entry("Not", new int[] {0}), Map.entry("Where", ALL),
            Map.entry("Scatter", new int[] {0, 1, 2}), Map.entry("ScatterElements", new int[] {0, 1, 2}),
            Map.entry("ScatterND", new int[] {0, 1, 2}), Map.entry("QuantizeLinear", new int[] {0}),
            Map.entry("DequantizeLinear", new int[] {0}), Map.entry("Shape", new int[] {0}),
            Map.entry("Size", new int[] {0}));

    /** The node's output shapes (null entries where unknown), given what is known of its inputs. */
    static Known[] infer(Node n, Map<Value, Known> known, SessionOptions options) {
        Known[] out = new Known[n.outputCount()];
        Known[] in = new Known[n.inputCount()];
        for (int i = 0; i < in.length; i++) {
            in[i] = n.input(i) == null ? null : known.get(n.input(i));
        }
        String op = n.op().opType();
        try {
            if (n.op() instanceof ConvOp conv && in.length > 1 && in[0] != null && in[1] != null) {
                out[0] = new Known(conv.outputShape(in[0].shape(), in[1].shape()), DType.FLOAT32);
            } else if (SAME_AS_INPUT0.contains(op) && in.length > 0 && in[0] != null) {
                out[0] = in[0];
            } else if ((BROADCAST.contains(op) || BROADCAST_BOOL.contains(op)) && allKnown(in)) {
                int[][] shapes = new int[in.length][];
                for (int i = 0; i < in.length; i++) {
                    shapes[i] = in[i].shape();
                }
                out[0] = new Known(Shapes.broadcast(shapes), BROADCAST_BOOL.contains(op) ? DType.BOOL : in[0].dtype());
            } else if (EVALUATED.containsKey(op)) {
                return evaluate(n, in, EVALUATED.get(op), options);
            }
        } catch (RuntimeException e) {
            return new Known[n.outputCount()]; // an invalid shape: leave it to fail, with its message, at run time
        }
        return out;
    }

    /**
     * Whether the node's output shapes are fixed before run time, given which of its inputs' shapes are: the same
     * rules as {@link #infer} without computing any shape (no op is evaluated), for {@link StaticConvInputs}. A
     * fused op ({@code Conv+Relu}, {@code Gemm+Relu}) follows its base op.
     */
    static boolean staticOutputs(Node n, java.util.function.Predicate<Value> fixed) {
        String op = n.op().opType();
        int plus = op.indexOf('+');
        String base = plus < 0 ? op : op.substring(0, plus);
        if (n.op() instanceof ConvOp) {
            for (int i = 0; i < n.inputCount(); i++) {
                if (n.input(i) != null && !fixed.test(n.input(i))) {
                    return false;
                }
            }
            return true;
        }
        if (SAME_AS_INPUT0.contains(base)) {
            return n.inputCount() > 0 && n.input(0) != null && fixed.test(n.input(0));
        }
        int[] data = BROADCAST.contains(base) || BROADCAST_BOOL.contains(base) ? ALL : EVALUATED.get(base);
        if (data == null) {
            return false; // data-dependent (NonZero, If, Loop, ...) or not known here
        }
        for (int i = 0; i < n.inputCount(); i++) {
            Value v = n.input(i);
            if (v != null && !v.isConstant() && !(isData(i, data) && fixed.test(v))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allKnown(Known[] in) {
        for (Known k : in) {
            if (k == null) {
                return false;
            }
        }
        return in.length > 0;
    }

    private static Known[] evaluate(Node n, Known[] in, int[] dataInputs, SessionOptions options) {
        Known[] none = new Known[n.outputCount()];
        Tensor[] args = new Tensor[n.inputCount()];
        long elements = 0;
        for (int i = 0; i < args.length; i++) {
            Value v = n.input(i);
            if (v == null) {
                continue;
            }
            if (v.isConstant()) {
                args[i] = v.constant();
                continue;
            }
            if (!isData(i, dataInputs) || in[i] == null || in[i].dtype() == null) {
                return none;
            }
            elements += Shapes.size(in[i].shape());
            if (elements > EVALUATION_BUDGET) {
                return none;
            }
            args[i] = Tensor.zeros(in[i].dtype(), in[i].shape());
        }
        Tensor[] y = Probe.run(n.op(), options, args);
        if (y == null) {
            return none;
        }
        Known[] out = new Known[n.outputCount()];
        for (int o = 0; o < out.length && o < y.length; o++) {
            if (y[o] != null) {
                out[o] = new Known(y[o].shape(), y[o].dtype());
            }
        }
        return out;
    }

    private static boolean isData(int i, int[] dataInputs) {
        if (dataInputs == ALL) {
            return true;
        }
        for (int d : dataInputs) {
            if (d == i) {
                return true;
            }
        }
        return false;
    }
}
