package dev.vinfer.ops.unary;

import dev.vinfer.ops.unary.UnaryOp.Integers;

/** The element-wise math functions of ONNX (Sqrt, Exp, trig, rounding, ...) as {@link UnaryOp}s. */
public final class MathOps {
    private MathOps() {
    }

    public static UnaryOp sqrt() {
        return new UnaryOp("Sqrt", Math::sqrt);
    }

    public static UnaryOp exp() {
        return new UnaryOp("Exp", Math::exp);
    }

    public static UnaryOp log() {
        return new UnaryOp("Log", Math::log);
    }

    public static UnaryOp reciprocal() {
        return new UnaryOp("Reciprocal", x -> 1 / x);
    }

    public static UnaryOp floor() {
        return new UnaryOp("Floor", Math::floor);
    }

    public static UnaryOp ceil() {
        return new UnaryOp("Ceil", Math::ceil);
    }

    /** Round: halves go to the nearest even integer, which is exactly {@link Math#rint}. */
    public static UnaryOp round() {
        return new UnaryOp("Round", Math::rint);
    }

    public static UnaryOp erf() {
        return new UnaryOp("Erf", Erf::erf);
    }

    /** Abs on every numeric dtype; unsigned values are their own absolute value (and int8 -128 wraps, as numpy). */
    public static UnaryOp abs() {
        return new UnaryOp("Abs", Math::abs, Integers.ALL, (x, unsigned) -> unsigned ? x : Math.abs(x));
    }

    /** Neg: the spec allows signed integers only; the most negative value wraps to itself. */
    public static UnaryOp neg() {
        return new UnaryOp("Neg", x -> -x, Integers.SIGNED, (x, unsigned) -> -x);
    }

    /** Sign: -1, 0 or 1 (NaN stays NaN); unsigned integers are never negative, even uint64 above 2^63. */
    public static UnaryOp sign() {
        return new UnaryOp("Sign", Math::signum, Integers.ALL,
                (x, unsigned) -> unsigned ? (x != 0 ? 1 : 0) : Long.signum(x));
    }

    public static UnaryOp sin() {
        return new UnaryOp("Sin", Math::sin);
    }

    public static UnaryOp cos() {
        return new UnaryOp("Cos", Math::cos);
    }

    public static UnaryOp tan() {
        return new UnaryOp("Tan", Math::tan);
    }

    public static UnaryOp asin() {
        return new UnaryOp("Asin", Math::asin);
    }

    public static UnaryOp acos() {
        return new UnaryOp("Acos", Math::acos);
    }

    public static UnaryOp atan() {
        return new UnaryOp("Atan", Math::atan);
    }

    public static UnaryOp sinh() {
        return new UnaryOp("Sinh", Math::sinh);
    }

    public static UnaryOp cosh() {
        return new UnaryOp("Cosh", Math::cosh);
    }

    /** asinh(x) = sign(x) * log(|x| + sqrt(x^2 + 1)), on |x| so that large negative x does not cancel. */
    public static UnaryOp asinh() {
        return new UnaryOp("Asinh", x -> {
            double a = Math.abs(x);
            double r = a > 1e150 ? Math.log(a) + Math.log(2) : Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
            return Math.copySign(r, x);
        });
    }

    /** acosh(x) = log(x + sqrt(x^2 - 1)) for x &gt;= 1 (NaN below). */
    public static UnaryOp acosh() {
        return new UnaryOp("Acosh", x -> x > 1e150 ? Math.log(x) + Math.log(2) : Math.log(x + Math.sqrt(x * x - 1)));
    }

    /** atanh(x) = log1p(2x / (1 - x)) / 2, which stays accurate near 0. */
    public static UnaryOp atanh() {
        return new UnaryOp("Atanh", x -> {
            double a = Math.abs(x);
            return Math.copySign(0.5 * Math.log1p(2 * a / (1 - a)), x);
        });
    }
}
