package dev.vinfer.ops.binary;

/** The element tests of Equal, Greater, GreaterOrEqual, Less and LessOrEqual. */
public enum Comparison {
    EQUAL, GREATER, GREATER_OR_EQUAL, LESS, LESS_OR_EQUAL;

    /** The test on floating point values: any comparison with NaN is false, as in IEEE 754 and numpy. */
    boolean test(double a, double b) {
        return switch (this) {
            case EQUAL -> a == b;
            case GREATER -> a > b;
            case GREATER_OR_EQUAL -> a >= b;
            case LESS -> a < b;
            case LESS_OR_EQUAL -> a <= b;
        };
    }

    /** The test on integers given {@link Long#compare}-style order {@code c} (negative, zero or positive). */
    boolean testOrder(int c) {
        return switch (this) {
            case EQUAL -> c == 0;
            case GREATER -> c > 0;
            case GREATER_OR_EQUAL -> c >= 0;
            case LESS -> c < 0;
            case LESS_OR_EQUAL -> c <= 0;
        };
    }
}
