package dev.vinfer.onnx;

import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.runtime.ModelException;
import java.util.HashMap;
import java.util.Map;

/**
 * How many inputs each op takes, from the ONNX operator schemas, checked at import so that no operator ever runs
 * with fewer inputs than it reads or with a required input left out (an empty name). Operators index their inputs
 * directly; this is the one place that guarantees the indices exist.
 *
 * <p>Where the count changed between opsets (an attribute turned into an input) the opset in force decides.
 * Optional inputs in ONNX come after the required ones, so "required" means "among the first {@code min}" (Loop,
 * whose leading M and cond may both be empty, is the exception).
 */
final class OpArity {
    /** Unbounded maximum (variadic ops). */
    private static final int ANY = Integer.MAX_VALUE;

    /** Between min and max inputs, the first {@code required} of them named. */
    private record Range(int min, int max, int required) {
        Range(int min, int max) {
            this(min, max, min);
        }
    }

    private static final Map<String, Range> FIXED = new HashMap<>();

    static {
        for (String op : new String[] {"Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Ceil", "Cos", "Cosh",
            "Erf", "Exp", "Floor", "Log", "Neg", "Reciprocal", "Round", "Sign", "Sin", "Sinh", "Sqrt", "Tan", "Tanh",
            "Relu", "Sigmoid", "Softplus", "Softsign", "HardSigmoid", "HardSwish", "LeakyRelu", "ThresholdedRelu",
            "Elu", "Selu", "Celu", "Gelu", "Mish", "IsNaN", "IsInf", "Not", "Identity", "Softmax", "LogSoftmax",
            "Hardmax", "Shape", "Size", "Flatten", "Transpose", "DepthToSpace", "SpaceToDepth", "ImageScaler", "Crop",
            "Affine", "ArgMax", "ArgMin", "Cast", "ConstantOfShape", "DynamicQuantizeLinear", "If", "MaxPool",
            "AveragePool", "LpPool", "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "LRN"}) {
            FIXED.put(op, new Range(1, 1));
        }
        for (String op : new String[] {"Add", "Sub", "Mul", "Div", "Mod", "Pow", "And", "Or", "Xor", "Equal", "Less",
            "Greater", "LessOrEqual", "GreaterOrEqual", "BitShift", "PRelu", "MatMul", "CastLike", "Expand", "Gather",
            "GatherElements", "GatherND"}) {
            FIXED.put(op, new Range(2, 2));
        }
        for (String op : new String[] {"Sum", "Max", "Min", "Mean", "Concat", "Einsum"}) {
            FIXED.put(op, new Range(1, ANY));
        }
        FIXED.put("Where", new Range(3, 3));
        FIXED.put("Range", new Range(3, 3));
        FIXED.put("OneHot", new Range(3, 3));
        FIXED.put("Scatter", new Range(3, 3));
        FIXED.put("ScatterElements", new Range(3, 3));
        FIXED.put("ScatterND", new Range(3, 3));
        FIXED.put("Conv", new Range(2, 3));
        FIXED.put("ConvTranspose", new Range(2, 3));
        FIXED.put("ConvInteger", new Range(2, 4));
        FIXED.put("MatMulInteger", new Range(2, 4));
        FIXED.put("QLinearConv", new Range(8, 9));
        FIXED.put("QLinearMatMul", new Range(8, 8));
        FIXED.put("QuantizeLinear", new Range(2, 3));
        FIXED.put("DequantizeLinear", new Range(2, 3));
        FIXED.put("NonMaxSuppression", new Range(2, 5));
        FIXED.put("Trilu", new Range(1, 2));
        FIXED.put("BatchNormalization", new Range(5, 5));
        FIXED.put("InstanceNormalization", new Range(3, 3));
        FIXED.put("LayerNormalization", new Range(2, 3));
        FIXED.put("GroupNormalization", new Range(3, 3));
        FIXED.put("Loop", new Range(2, ANY, 0)); // M and cond are both optional but always written
        FIXED.put("com.microsoft:QuantizeLinear", new Range(2, 3));
        FIXED.put("com.microsoft:DequantizeLinear", new Range(2, 3));
        FIXED.put("com.microsoft:QLinearConv", new Range(8, 9));
        FIXED.put("com.microsoft:QLinearAdd", new Range(7, 8));
        FIXED.put("com.microsoft:QLinearMul", new Range(7, 8));
        FIXED.put("com.microsoft:QLinearSigmoid", new Range(4, 5));
        FIXED.put("com.microsoft:QLinearLeakyRelu", new Range(4, 5));
        FIXED.put("com.microsoft:QLinearGlobalAveragePool", new Range(4, 5));
        FIXED.put("com.microsoft:QLinearAveragePool", new Range(4, 5));
        FIXED.put("com.microsoft:QLinearConcat", new Range(5, ANY));
    }

    private OpArity() {
    }

    /** The input range of an op at an opset, or null when this table does not know the op. */
    private static Range range(String domain, String op, int opset) {
        if (!domain.isEmpty()) {
            return FIXED.get(domain + ":" + op);
        }
        return switch (op) {
            case "Reshape" -> opset >= 5 ? new Range(2, 2) : new Range(1, 1);
            case "Resize" -> opset >= 11 ? new Range(1, 4) : new Range(2, 2);
            case "Upsample" -> opset >= 9 ? new Range(2, 2) : new Range(1, 1);
            case "Slice" -> opset >= 10 ? new Range(3, 5) : new Range(1, 1);
            case "Pad" -> opset >= 11 ? new Range(2, 4) : new Range(1, 1);
            case "TopK" -> opset >= 10 ? new Range(2, 2) : new Range(1, 1);
            case "Tile" -> opset >= 6 ? new Range(2, 2) : new Range(3, 3);
            case "Gemm" -> opset >= 11 ? new Range(2, 3) : new Range(3, 3);
            case "Clip" -> opset >= 11 ? new Range(1, 3) : new Range(1, 1);
            case "Split" -> opset >= 13 ? new Range(1, 2) : opset >= 2 ? new Range(1, 1) : new Range(1, 2);
            case "Squeeze" -> opset >= 13 ? new Range(1, 2) : new Range(1, 1);
            case "Unsqueeze" -> opset >= 13 ? new Range(2, 2) : new Range(1, 1);
            case "Dropout" -> opset >= 12 ? new Range(1, 3) : new Range(1, 1);
            case "ReduceSum" -> opset >= 13 ? new Range(1, 2) : new Range(1, 1);
            default -> op.startsWith("Reduce") ? (opset >= 18 ? new Range(1, 2) : new Range(1, 1)) : FIXED.get(op);
        };
    }

    /** Throws naming the node unless it has between min and max inputs, the first min of them named. */
    static void check(String domain, String op, int opset, NodeProto n, String nodeName) {
        Range r = range(domain, op, opset);
        if (r == null) {
            return;
        }
        int count = n.getInputCount();
        String label = "node '" + nodeName + "' (" + op + ")";
        if (count < r.min() || count > r.max()) {
            String want = r.min() == r.max() ? "" + r.min() : r.max() == ANY ? "at least " + r.min()
                    : r.min() + " to " + r.max();
            throw new ModelException(label + " has " + count + " inputs; at opset " + opset + " it takes " + want);
        }
        for (int i = 0; i < r.required(); i++) {
            if (n.getInput(i).isEmpty()) {
                throw new ModelException(label + ": input " + i + " is required but left out (empty name)");
            }
        }
        if (n.getOutputCount() == 0) {
            throw new ModelException(label + " has no outputs");
        }
    }
}
