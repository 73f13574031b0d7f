package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OnnxNode;
import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.UnsupportedFormException;
import dev.vinfer.ops.binary.Arithmetic;
import dev.vinfer.ops.binary.ArithmeticOp;
import dev.vinfer.ops.binary.BitShiftOp;
import dev.vinfer.ops.binary.CastOp;
import dev.vinfer.ops.binary.CompareOp;
import dev.vinfer.ops.binary.Comparison;
import dev.vinfer.ops.binary.LogicalOp;
import dev.vinfer.ops.binary.NotOp;
import dev.vinfer.ops.binary.PReluOp;
import dev.vinfer.ops.binary.PowOp;
import dev.vinfer.ops.binary.WhereOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.ModelException;
import java.util.Locale;

/**
 * Broadcasting binary and variadic element-wise ops (arithmetic, comparisons, logic, Where, PRelu) and Cast.
 *
 * <p>Opsets before 7 broadcast only when {@code broadcast=1}, aligning B with A at {@code axis} when given; without
 * an axis that is suffix matching, which numpy broadcasting already does.
 */
public final class BinaryMappings {
    private BinaryMappings() {
    }

    public static void register(OpRegistry r) {
        arithmetic(r, "Add", Arithmetic.ADD);
        arithmetic(r, "Sub", Arithmetic.SUB);
        arithmetic(r, "Mul", Arithmetic.MUL);
        arithmetic(r, "Div", Arithmetic.DIV);
        r.add("Mod", n -> new ArithmeticOp("Mod", n.getInt("fmod", 0) != 0 ? Arithmetic.FMOD : Arithmetic.MOD));
        r.add("Pow", n -> hasLegacyAxis(n) ? PowOp.legacy(legacyAxis(n)) : new PowOp());
        r.add("Sum", n -> new ArithmeticOp("Sum", Arithmetic.ADD));
        r.add("Max", n -> new ArithmeticOp("Max", Arithmetic.MAX));
        r.add("Min", n -> new ArithmeticOp("Min", Arithmetic.MIN));
        r.add("Mean", n -> ArithmeticOp.mean());

        comparison(r, "Equal", Comparison.EQUAL);
        comparison(r, "Greater", Comparison.GREATER);
        comparison(r, "GreaterOrEqual", Comparison.GREATER_OR_EQUAL);
        comparison(r, "Less", Comparison.LESS);
        comparison(r, "LessOrEqual", Comparison.LESS_OR_EQUAL);

        logical(r, "And", LogicalOp.Kind.AND);
        logical(r, "Or", LogicalOp.Kind.OR);
        logical(r, "Xor", LogicalOp.Kind.XOR);
        r.add("Not", n -> new NotOp());
        r.add("Where", n -> new WhereOp());
        r.add("BitShift", BinaryMappings::bitShift);
        r.add("PRelu", n -> n.opset() < 7 ? PReluOp.legacy() : new PReluOp());

        // saturate (opset 19+) only affects float8 targets, which vinfer does not have.
        r.add("Cast", n -> CastOp.to(castTarget(n)));
        r.add("CastLike", n -> CastOp.like());
    }

    private static void arithmetic(OpRegistry r, String opType, Arithmetic op) {
        r.add(opType, n -> hasLegacyAxis(n) ? ArithmeticOp.legacy(opType, op, legacyAxis(n))
                : new ArithmeticOp(opType, op));
    }

    private static void comparison(OpRegistry r, String opType, Comparison test) {
        r.add(opType, n -> hasLegacyAxis(n) ? CompareOp.legacy(opType, test, legacyAxis(n))
                : new CompareOp(opType, test));
    }

    private static void logical(OpRegistry r, String opType, LogicalOp.Kind kind) {
        r.add(opType, n -> hasLegacyAxis(n) ? LogicalOp.legacy(opType, kind, legacyAxis(n))
                : new LogicalOp(opType, kind));
    }

    /** True for an opset-1/6 node that broadcasts B from an explicit axis of A. */
    private static boolean hasLegacyAxis(OnnxNode n) {
        return n.opset() < 7 && n.getInt("broadcast", 0) != 0 && n.has("axis");
    }

    private static int legacyAxis(OnnxNode n) {
        long axis = n.getInt("axis", 0);
        if (axis > Integer.MAX_VALUE || axis < Integer.MIN_VALUE + 1) {
            throw n.error("axis " + axis + " is out of range");
        }
        return (int) axis;
    }

    private static BitShiftOp bitShift(OnnxNode n) {
        String direction = n.getString("direction", "");
        return switch (direction) {
            case "LEFT" -> new BitShiftOp(true);
            case "RIGHT" -> new BitShiftOp(false);
            default -> throw n.error("direction must be LEFT or RIGHT, not '" + direction + "'");
        };
    }

    /** The target of Cast: an ONNX data type code, or (opset 1) its name. */
    private static DType castTarget(OnnxNode n) {
        if (!n.has("to")) {
            throw n.error("Cast needs the 'to' attribute");
        }
        int code = n.opset() < 6 ? typeCodeOfName(n, n.getString("to", "")) : (int) n.getInt("to", 0);
        try {
            return TensorProtos.dtypeOf(code, "Cast target");
        } catch (ModelException e) {
            throw new UnsupportedFormException(e.getMessage());
        }
    }

    private static int typeCodeOfName(OnnxNode n, String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "FLOAT" -> 1;
            case "UINT8" -> 2;
            case "INT8" -> 3;
            case "UINT16" -> 4;
            case "INT16" -> 5;
            case "INT32" -> 6;
            case "INT64" -> 7;
            case "STRING" -> 8;
            case "BOOL" -> 9;
            case "FLOAT16" -> 10;
            case "DOUBLE" -> 11;
            case "UINT32" -> 12;
            case "UINT64" -> 13;
            default -> throw n.error("unknown Cast target type '" + name + "'");
        };
    }
}
