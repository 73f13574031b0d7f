package dev.vinfer.ops.activation;

import dev.vinfer.ops.unary.Erf;
import dev.vinfer.ops.unary.UnaryOp;
import dev.vinfer.ops.unary.UnaryOp.Integers;

/**
 * The element-wise activations of ONNX as {@link UnaryOp}s, with their parameters already resolved (the mapper
 * supplies the ONNX defaults). Formulas are those of the spec, rearranged only where that avoids overflow or
 * cancellation.
 */
public final class Activations {
    private Activations() {
    }

    /** Relu; opset 14 adds signed integers (unsigned ones, should they come, are already non-negative). */
    public static UnaryOp relu() {
        // "x < 0 ? 0 : x" rather than Math.max keeps NaN as NaN, like numpy's maximum.
        return new UnaryOp("Relu", x -> x < 0 ? 0 : x, Integers.ALL,
                (x, unsigned) -> unsigned || x >= 0 ? x : 0, Activations::reluFloats);
    }

    /**
     * Relu over float32 arrays with {@link Math#max}, which the JIT vectorizes (the select of the double function
     * compiles to a branch that random signs mispredict half the time: about 35x slower). Same values: NaN stays
     * the same NaN; only -0 becomes +0 (equal as floats).
     */
    private static void reluFloats(float[] in, int inOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = Math.max(in[inOff + i], 0f);
        }
    }

    public static UnaryOp leakyRelu(double alpha) {
        return new UnaryOp("LeakyRelu", x -> x < 0 ? alpha * x : x);
    }

    /** ThresholdedRelu: x where x &gt; alpha, else 0. */
    public static UnaryOp thresholdedRelu(double alpha) {
        return new UnaryOp("ThresholdedRelu", x -> x > alpha ? x : 0);
    }

    /** Elu: alpha * (exp(x) - 1) below 0 (expm1 keeps precision near 0), x above. */
    public static UnaryOp elu(double alpha) {
        return new UnaryOp("Elu", x -> x < 0 ? alpha * Math.expm1(x) : x);
    }

    /** Selu: gamma * (alpha * (exp(x) - 1)) for x &lt;= 0, gamma * x above. */
    public static UnaryOp selu(double alpha, double gamma) {
        return new UnaryOp("Selu", x -> x <= 0 ? gamma * alpha * Math.expm1(x) : gamma * x);
    }

    /** Celu: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). */
    public static UnaryOp celu(double alpha) {
        return new UnaryOp("Celu", x -> x < 0 ? alpha * Math.expm1(x / alpha) : x);
    }

    /** Sigmoid 1 / (1 + exp(-x)); for x &lt; 0 written as exp(x) / (1 + exp(x)) so exp never overflows. */
    public static UnaryOp sigmoid() {
        return new UnaryOp("Sigmoid", Activations::sigmoid);
    }

    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** HardSigmoid: max(0, min(1, alpha * x + beta)). */
    public static UnaryOp hardSigmoid(double alpha, double beta) {
        return new UnaryOp("HardSigmoid", x -> clamp01(alpha * x + beta));
    }

    /** HardSwish: x * max(0, min(1, x / 6 + 1/2)) (HardSigmoid with alpha = 1/6, beta = 1/2). */
    public static UnaryOp hardSwish() {
        return new UnaryOp("HardSwish", x -> x * clamp01(x / 6 + 0.5));
    }

    private static double clamp01(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }

    /**
     * Tanh through {@link #tanh(double)} (float64, and float32 element by element), with a whole-tensor float32
     * loop of {@link RationalTanh}, which vectorizes: {@link Math#tanh} itself is not intrinsified (about 35 ns per
     * element measured on the style-transfer net's last op, 1.5M elements), and a loop of {@link Math#exp} runs
     * one element at a time (about 16 ns). Both give float results within one ulp of the exact tanh.
     */
    public static UnaryOp tanh() {
        return new UnaryOp("Tanh", Activations::tanh, UnaryOp.Integers.NONE, null, RationalTanh::floats);
    }

    /**
     * tanh as {@code 1 - 2 / (exp(2x) + 1)}, and the odd series {@code x - x^3/3 + 2x^5/15} below |x| = 2^-7 where
     * that difference would cancel: within about 1e-15 x (1 + |tanh x|) of the exact value (exp's rounding, carried
     * through the difference; the test bounds it against {@link Math#tanh}), far below a float ulp of the result
     * (which is at least 2^-7 there), so float results are tanh correctly rounded but where that error straddles a
     * rounding boundary (then one float ulp off). exp overflows to infinity for large x (giving 1) and underflows to 0 for
     * very negative x (giving -1); NaN stays NaN, -0 stays -0.
     */
    static double tanh(double x) {
        if (Math.abs(x) < 0x1p-7) {
            double x2 = x * x;
            return x * (1 - x2 * (1.0 / 3 - x2 * (2.0 / 15)));
        }
        return 1 - 2 / (Math.exp(2 * x) + 1);
    }

    /** Softplus: log(exp(x) + 1), computed as max(x, 0) + log1p(exp(-|x|)) so that large x does not overflow. */
    public static UnaryOp softplus() {
        return new UnaryOp("Softplus", Activations::softplus);
    }

    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** Softsign: x / (1 + |x|). */
    public static UnaryOp softsign() {
        return new UnaryOp("Softsign", x -> x / (1 + Math.abs(x)));
    }

    /** Mish: x * tanh(softplus(x)). */
    public static UnaryOp mish() {
        return new UnaryOp("Mish", x -> x * Math.tanh(softplus(x)));
    }

    /** How Gelu computes the Gaussian CDF (attribute {@code approximate}). */
    public enum GeluApproximation { NONE, TANH }

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

    /**
     * Gelu: x * Phi(x), with Phi exact, or the tanh approximation of the spec. Exact Phi(x) = erfc(-x / sqrt 2) / 2,
     * which unlike (1 + erf(x / sqrt 2)) / 2 keeps its precision for very negative x.
     */
    public static UnaryOp gelu(GeluApproximation approximation) {
        if (approximation == GeluApproximation.TANH) {
            return new UnaryOp("Gelu",
                    x -> 0.5 * x * (1 + Math.tanh(SQRT_TWO_OVER_PI * (x + 0.044715 * x * x * x))));
        }
        return new UnaryOp("Gelu", x -> 0.5 * x * Erf.erfc(-x * SQRT_HALF));
    }
}
