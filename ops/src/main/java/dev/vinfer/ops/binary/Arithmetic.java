package dev.vinfer.ops.binary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.VinferException;

/**
 * The element functions of the arithmetic ops, for floating point values and for integers of a given dtype.
 *
 * <p>Integer values arrive as {@link dev.vinfer.runtime.Tensor#getLong} gives them (unsigned types below 64 bits
 * are non-negative; uint64 keeps its bits), and results are wrapped to the dtype's width by the caller's
 * {@code setLong}, so only division, modulo and ordering need to care about signedness.
 */
public enum Arithmetic {
    ADD, SUB, MUL, DIV,
    /** Python/numpy {@code %}: the result takes the divisor's sign (ONNX Mod with fmod=0). */
    MOD,
    /** C {@code fmod}: the result takes the dividend's sign (ONNX Mod with fmod=1). */
    FMOD,
    MAX, MIN;

    float apply(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MOD -> (float) floorMod(a, b);
            case FMOD -> a % b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MOD -> floorMod(a, b);
            case FMOD -> a % b;
            // Math.max/min return NaN when either operand is NaN, as numpy.maximum/minimum do.
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    long apply(long a, long b, DType type) {
        boolean unsigned64 = type == DType.UINT64;
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> {
                checkDivisor(b);
                // Truncation toward zero, as ONNX specifies for integer Div.
                yield unsigned64 ? Long.divideUnsigned(a, b) : a / b;
            }
            case MOD -> {
                checkDivisor(b);
                yield unsigned64 ? Long.remainderUnsigned(a, b) : Math.floorMod(a, b);
            }
            case FMOD -> {
                checkDivisor(b);
                yield unsigned64 ? Long.remainderUnsigned(a, b) : a % b;
            }
            case MAX -> (unsigned64 ? Long.compareUnsigned(a, b) >= 0 : a >= b) ? a : b;
            case MIN -> (unsigned64 ? Long.compareUnsigned(a, b) <= 0 : a <= b) ? a : b;
        };
    }

    private static void checkDivisor(long b) {
        if (b == 0) {
            throw new VinferException("integer division by zero");
        }
    }

    /** Floating point modulo with the divisor's sign, like numpy.mod. */
    static double floorMod(double a, double b) {
        double r = a % b;
        if (r != 0 && (r < 0) != (b < 0)) {
            r += b;
        }
        return r;
    }
}
