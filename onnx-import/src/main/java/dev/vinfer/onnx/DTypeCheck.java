package dev.vinfer.onnx;

import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.SparseTensorProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import dev.vinfer.runtime.ModelException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Rejects, at load, type errors that the model itself proves: two inputs of a node that the ONNX spec requires to
 * share a type but do not, a shape or index input that is not an integer, a condition that is not bool, a float-only
 * op fed integers. The message names the node, its op, the values and their types.
 *
 * <p>Types are known where the model states them for certain (graph inputs, initializers, Constant nodes) and
 * carried forward through ops whose output type follows from their inputs or attributes (Relu keeps its input's
 * type, Shape gives int64, Cast gives {@code to}, ...). Where a type is not known nothing is checked: this is a
 * check for what is detectable, not full type inference, and ops still check their inputs when they run.
 * Declared value_info types are not trusted for this (some exporters write stale ones).
 */
final class DTypeCheck {
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int BOOL = 9;

    /** Ops whose inputs (all of them present) must share one type. */
    private static final Set<String> SAME_TYPE_ALL = Set.of("Add", "Sub", "Mul", "Div", "Mod", "Sum", "Max", "Min",
            "Mean", "Concat", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "BitShift", "Range",
            "Einsum", "MatMul", "Gemm", "Conv", "ConvTranspose", "PRelu");
    /** Ops whose inputs must all be bool. */
    private static final Set<String> BOOL_ALL = Set.of("And", "Or", "Xor", "Not");
    /** Ops whose output 0 is bool. */
    private static final Set<String> BOOL_OUT = Set.of("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
            "And", "Or", "Xor", "Not", "IsNaN", "IsInf");
    /** Ops whose output 0 is int64. */
    private static final Set<String> INT64_OUT = Set.of("Shape", "Size", "ArgMax", "ArgMin", "NonZero",
            "NonMaxSuppression");
    /** Ops that only take floating-point data in input 0. */
    private static final Set<String> FLOAT_ONLY = Set.of("Conv", "ConvTranspose", "Sigmoid", "Tanh", "Exp", "Log",
            "Sqrt", "Softmax", "LogSoftmax", "Elu", "Selu", "Celu", "HardSigmoid", "HardSwish", "Softplus", "Softsign",
            "LeakyRelu", "ThresholdedRelu", "Gelu", "Mish", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh",
            "Cosh", "Asinh", "Acosh", "Atanh", "Floor", "Ceil", "Round", "Reciprocal", "IsNaN", "IsInf",
            "AveragePool", "GlobalAveragePool", "LpPool", "GlobalLpPool", "LRN", "BatchNormalization",
            "InstanceNormalization", "LayerNormalization", "GroupNormalization");
    /** Ops whose every output has the type of input 0. */
    private static final Set<String> SAME_AS_INPUT0 = Set.of("Identity", "Relu", "Abs", "Neg", "Sign", "Erf",
            "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Slice", "Gather", "GatherElements", "GatherND",
            "Scatter", "ScatterElements", "ScatterND", "Tile", "Expand", "Pad", "Split", "DepthToSpace",
            "SpaceToDepth", "Trilu", "Clip", "Hardmax", "Pow", "Range", "ImageScaler", "Crop", "Affine", "MaxPool",
            "GlobalMaxPool", "Resize", "Upsample");

    private DTypeCheck() {
    }

    /** Checks {@code g} and its subgraphs. */
    static void check(GraphProto g) {
        check(g, new HashMap<>());
    }

    private static void check(GraphProto g, Map<String, Integer> outer) {
        Map<String, Integer> known = new HashMap<>(outer);
        for (ValueInfoProto vi : g.getInputList()) {
            int t = declared(vi);
            if (t != 0) {
                known.put(vi.getName(), t);
            } else {
                known.remove(vi.getName()); // shadows an outer value of the same name
            }
        }
        for (TensorProto t : g.getInitializerList()) {
            known.put(t.getName(), t.getDataType());
        }
        for (SparseTensorProto t : g.getSparseInitializerList()) {
            known.put(t.getValues().getName(), t.getValues().getDataType());
        }
        int index = 0;
        for (NodeProto n : g.getNodeList()) {
            index++;
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    check(a.getG(), known);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    check(sub, known);
                }
            }
            if (!OpRegistry.normalizeDomain(n.getDomain()).isEmpty()) {
                forgetOutputs(n, known);
                continue;
            }
            String label = "node '" + (n.getName().isEmpty() ? n.getOpType() + "_" + index : n.getName()) + "' ("
                    + n.getOpType() + ")";
            checkNode(n, label, known);
            inferOutputs(n, known);
        }
    }

    private static int declared(ValueInfoProto vi) {
        return vi.getType().hasTensorType() ? vi.getType().getTensorType().getElemType() : 0;
    }

    private static void checkNode(NodeProto n, String label, Map<String, Integer> known) {
        String op = n.getOpType();
        if (SAME_TYPE_ALL.contains(op)) {
            sameType(n, label, known, 0, n.getInputCount());
        }
        switch (op) {
            case "Where" -> {
                requireType(n, label, known, 0, BOOL, "bool");
                sameType(n, label, known, 1, 3);
            }
            case "Clip" -> sameType(n, label, known, 0, 3);
            case "If" -> requireType(n, label, known, 0, BOOL, "bool");
            case "Reshape", "Expand", "Tile", "TopK" -> requireInteger(n, label, known, 1, 2);
            case "Squeeze", "Unsqueeze", "Split" -> requireInteger(n, label, known, 1, 2);
            case "Pad" -> {
                requireInteger(n, label, known, 1, 2);
                requireInteger(n, label, known, 3, 4);
                sameTypeOf(n, label, known, 0, 2);
            }
            case "ConstantOfShape" -> requireInteger(n, label, known, 0, 1);
            case "Slice" -> requireInteger(n, label, known, 1, 5);
            case "Resize" -> requireInteger(n, label, known, 3, 4);
            case "Gather", "GatherElements", "GatherND", "ScatterElements", "ScatterND", "Scatter" ->
                    requireInteger(n, label, known, 1, 2);
            default -> {
            }
        }
        if (BOOL_ALL.contains(op)) {
            for (int i = 0; i < n.getInputCount(); i++) {
                requireType(n, label, known, i, BOOL, "bool");
            }
        }
        if (FLOAT_ONLY.contains(op)) {
            Integer t = typeOf(n, 0, known);
            if (t != null && !isFloat(t)) {
                throw new ModelException(label + ": input '" + n.getInput(0) + "' is "
                        + TensorProtos.typeName(t) + "; " + op + " takes floating-point tensors only");
            }
        }
    }

    /** Inputs [from, to) that are present and of known type must all have one type. */
    private static void sameType(NodeProto n, String label, Map<String, Integer> known, int from, int to) {
        int first = -1;
        for (int i = from; i < Math.min(to, n.getInputCount()); i++) {
            Integer t = typeOf(n, i, known);
            if (t == null) {
                continue;
            }
            if (first < 0) {
                first = i;
            } else if (!t.equals(typeOf(n, first, known))) {
                throw new ModelException(label + ": inputs '" + n.getInput(first) + "' ("
                        + TensorProtos.typeName(typeOf(n, first, known)) + ") and '" + n.getInput(i) + "' ("
                        + TensorProtos.typeName(t) + ") must have the same type");
            }
        }
    }

    /** Input {@code b} (if present and known) must have the type of input {@code a}. */
    private static void sameTypeOf(NodeProto n, String label, Map<String, Integer> known, int a, int b) {
        Integer ta = typeOf(n, a, known);
        Integer tb = typeOf(n, b, known);
        if (ta != null && tb != null && !ta.equals(tb)) {
            throw new ModelException(label + ": input '" + n.getInput(b) + "' (" + TensorProtos.typeName(tb)
                    + ") must have the type of '" + n.getInput(a) + "' (" + TensorProtos.typeName(ta) + ")");
        }
    }

    private static void requireType(NodeProto n, String label, Map<String, Integer> known, int i, int want,
            String wantName) {
        Integer t = typeOf(n, i, known);
        if (t != null && t != want) {
            throw new ModelException(label + ": input '" + n.getInput(i) + "' is " + TensorProtos.typeName(t)
                    + ", it must be " + wantName);
        }
    }

    private static void requireInteger(NodeProto n, String label, Map<String, Integer> known, int from, int to) {
        for (int i = from; i < Math.min(to, n.getInputCount()); i++) {
            Integer t = typeOf(n, i, known);
            if (t != null && !isInteger(t)) {
                throw new ModelException(label + ": input '" + n.getInput(i) + "' is " + TensorProtos.typeName(t)
                        + ", it must be an integer tensor");
            }
        }
    }

    private static Integer typeOf(NodeProto n, int i, Map<String, Integer> known) {
        if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
            return null;
        }
        Integer t = known.get(n.getInput(i));
        return t == null || t == 0 ? null : t;
    }

    /** Records the output types that follow from the inputs or attributes; forgets the others. */
    private static void inferOutputs(NodeProto n, Map<String, Integer> known) {
        String op = n.getOpType();
        Integer out0 = null;
        if (SAME_AS_INPUT0.contains(op) || SAME_TYPE_ALL.contains(op) && !BOOL_OUT.contains(op)
                || FLOAT_ONLY.contains(op) && !BOOL_OUT.contains(op)) {
            out0 = typeOf(n, 0, known);
        } else if (BOOL_OUT.contains(op)) {
            out0 = BOOL;
        } else if (INT64_OUT.contains(op)) {
            out0 = INT64;
        } else {
            switch (op) {
                case "Cast" -> out0 = intAttr(n, "to");
                case "CastLike" -> out0 = typeOf(n, 1, known);
                case "Where" -> out0 = typeOf(n, 1, known);
                case "OneHot" -> out0 = typeOf(n, 2, known);
                case "Constant" -> out0 = constantType(n);
                case "ConstantOfShape" -> {
                    AttributeProto v = attr(n, "value");
                    out0 = v != null && v.hasT() ? v.getT().getDataType() : FLOAT;
                }
                default -> {
                }
            }
        }
        forgetOutputs(n, known);
        if (out0 == null || out0 == 0) {
            return;
        }
        // Split gives every output the input's type; other ops here define output 0 only.
        int outputs = op.equals("Split") ? n.getOutputCount() : Math.min(1, n.getOutputCount());
        for (int o = 0; o < outputs; o++) {
            if (!n.getOutput(o).isEmpty()) {
                known.put(n.getOutput(o), out0);
            }
        }
    }

    private static void forgetOutputs(NodeProto n, Map<String, Integer> known) {
        for (String o : n.getOutputList()) {
            known.remove(o);
        }
    }

    private static Integer constantType(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value" -> {
                    return a.hasT() ? a.getT().getDataType() : null;
                }
                case "sparse_value" -> {
                    return a.getSparseTensor().getValues().getDataType();
                }
                case "value_float", "value_floats" -> {
                    return FLOAT;
                }
                case "value_int", "value_ints" -> {
                    return INT64;
                }
                default -> {
                }
            }
        }
        return null;
    }

    private static AttributeProto attr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static Integer intAttr(NodeProto n, String name) {
        AttributeProto a = attr(n, name);
        return a == null || a.getI() <= 0 || a.getI() > Integer.MAX_VALUE ? null : (int) a.getI();
    }

    /** ONNX float, float16, double, bfloat16 and the float8 / float4 formats. */
    static boolean isFloat(int t) {
        return t == 1 || t == 10 || t == 11 || t == 16 || t >= 17 && t <= 20 || t == 23 || t == 24;
    }

    /** ONNX signed and unsigned integer types (4-bit and 2-bit ones included). */
    static boolean isInteger(int t) {
        return t >= 2 && t <= 7 || t == 12 || t == 13 || t == 21 || t == 22 || t == 25 || t == 26;
    }
}
