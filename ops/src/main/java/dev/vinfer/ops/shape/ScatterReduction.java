package dev.vinfer.ops.shape;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import java.util.Locale;

/**
 * How ScatterND / ScatterElements combine an update with the element already there: replace it, or add, multiply,
 * max, min (opsets 16 and 18). Integers wrap; uint64 compares unsigned; for bool add/max are OR, mul/min are AND.
 */
public enum ScatterReduction {
    NONE, ADD, MUL, MAX, MIN;

    /** The reduction named by the ONNX attribute ("none", "add", "mul", "max", "min"), or null if unknown. */
    public static ScatterReduction parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "add" -> ADD;
            case "mul" -> MUL;
            case "max" -> MAX;
            case "min" -> MIN;
            default -> null;
        };
    }

    /** Combines {@code updates[u]} into {@code target[t]} (same dtype). */
    void apply(Tensor target, int t, Tensor updates, int u) {
        if (this == NONE) {
            ElementCopy.copy(updates, u, target, t, 1);
            return;
        }
        DType dt = target.dtype();
        switch (dt) {
            case FLOAT32 -> {
                float a = target.getFloat(t);
                float b = updates.getFloat(u);
                target.setFloat(t, switch (this) {
                    case ADD -> a + b;
                    case MUL -> a * b;
                    case MAX -> Math.max(a, b);
                    default -> Math.min(a, b);
                });
            }
            case FLOAT64 -> {
                double a = target.getDouble(t);
                double b = updates.getDouble(u);
                target.setDouble(t, switch (this) {
                    case ADD -> a + b;
                    case MUL -> a * b;
                    case MAX -> Math.max(a, b);
                    default -> Math.min(a, b);
                });
            }
            case BOOL -> {
                boolean a = target.getBool(t);
                boolean b = updates.getBool(u);
                target.setLong(t, (this == ADD || this == MAX ? a | b : a & b) ? 1 : 0);
            }
            default -> {
                long a = target.getLong(t);
                long b = updates.getLong(u);
                // getLong reads uint8/16/32 as non-negative, so only uint64 needs an unsigned comparison.
                int cmp = dt == DType.UINT64 ? Long.compareUnsigned(a, b) : Long.compare(a, b);
                target.setLong(t, switch (this) {
                    case ADD -> a + b;
                    case MUL -> a * b;
                    case MAX -> cmp >= 0 ? a : b;
                    default -> cmp <= 0 ? a : b;
                });
            }
        }
    }
}
