package dev.vinfer.conv;

/**
 * An elementwise activation fused after a convolution (applied after the bias is added), so the output is written
 * once instead of being read back by a separate operator.
 *
 * <p>To add an activation: add a {@link Kind}, a factory, and its case in {@link #apply(float)} and
 * {@link #apply(double)}; the backends fall back to {@link #apply(float)} for kinds they have no special loop for,
 * and the tests compare every backend with it.
 */
public final class Epilogue {

    /** The activation function. */
    public enum Kind {
        /** Identity. */
        NONE,
        /** {@code max(x, 0)}. */
        RELU,
        /** {@code min(max(x, lo), hi)}. */
        CLIP,
        /** {@code x < 0 ? alpha * x : x}. */
        LEAKY_RELU,
        /** {@code 1 / (1 + exp(-x))}. */
        SIGMOID,
        /** ONNX HardSigmoid: {@code max(0, min(1, alpha * x + beta))}. */
        HARD_SIGMOID,
        /** ONNX HardSwish: {@code x * max(0, min(1, x / 6 + 1/2))}. */
        HARD_SWISH,
        /** {@code tanh(x)}. */
        TANH
    }

    /** No activation: the convolution plus bias as it is. */
    public static final Epilogue NONE = new Epilogue(Kind.NONE, 0f, 0f);
    /** {@code max(x, 0)}. */
    public static final Epilogue RELU = new Epilogue(Kind.RELU, 0f, 0f);
    /** {@code 1 / (1 + exp(-x))}. */
    public static final Epilogue SIGMOID = new Epilogue(Kind.SIGMOID, 0f, 0f);
    /** ONNX HardSwish: {@code x * max(0, min(1, x / 6 + 1/2))}. */
    public static final Epilogue HARD_SWISH = new Epilogue(Kind.HARD_SWISH, 1f / 6, 0.5f);
    /** {@code tanh(x)} (LeNet-5's activation, a style-transfer net's last). */
    public static final Epilogue TANH = new Epilogue(Kind.TANH, 0f, 0f);

    private final Kind kind;
    /** CLIP: lower bound; LEAKY_RELU, HARD_SIGMOID: alpha; HARD_SWISH: 1/6. */
    private final float p0;
    /** CLIP: upper bound; HARD_SIGMOID: beta; HARD_SWISH: 1/2. */
    private final float p1;

    private Epilogue(Kind kind, float p0, float p1) {
        this.kind = kind;
        this.p0 = p0;
        this.p1 = p1;
    }

    /** ONNX Clip; use infinities for a missing bound. */
    public static Epilogue clip(float min, float max) {
        if (Float.isNaN(min) || Float.isNaN(max) || min > max) {
            throw new IllegalArgumentException("Clip bounds must satisfy min <= max, got " + min + ", " + max);
        }
        return new Epilogue(Kind.CLIP, min, max);
    }

    /** ONNX LeakyRelu: {@code x < 0 ? alpha * x : x} (ONNX default alpha 0.01). */
    public static Epilogue leakyRelu(float alpha) {
        return new Epilogue(Kind.LEAKY_RELU, alpha, 0f);
    }

    /** ONNX HardSigmoid (defaults alpha 0.2, beta 0.5). */
    public static Epilogue hardSigmoid(float alpha, float beta) {
        if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException("HardSigmoid alpha and beta must be finite, got " + alpha + ", " + beta);
        }
        return new Epilogue(Kind.HARD_SIGMOID, alpha, beta);
    }

    /** Which activation this is. */
    public Kind kind() {
        return kind;
    }

    /** CLIP's lower bound. */
    public float min() {
        return p0;
    }

    /** CLIP's upper bound. */
    public float max() {
        return p1;
    }

    /** LEAKY_RELU's slope for negative inputs; HARD_SIGMOID's (and HARD_SWISH's, 1/6) slope. */
    public float alpha() {
        return p0;
    }

    /** HARD_SIGMOID's (and HARD_SWISH's, 1/2) offset. */
    public float beta() {
        return p1;
    }

    /** True for {@link #NONE}, so kernels can skip the epilogue pass. */
    public boolean isIdentity() {
        return kind == Kind.NONE;
    }

    /**
     * Whether the activation is a clamp, {@code min(max(x, clampLow()), clampHigh())}: none, Relu and Clip, which
     * kernels apply in registers; the others need a pass over the output.
     */
    public boolean isClamp() {
        return kind == Kind.NONE || kind == Kind.RELU || kind == Kind.CLIP;
    }

    /** The lower bound of {@link #isClamp a clamp}; -inf for any other activation. */
    public float clampLow() {
        return switch (kind) {
            case RELU -> 0f;
            case CLIP -> p0;
            default -> Float.NEGATIVE_INFINITY;
        };
    }

    /** The upper bound of {@link #isClamp a clamp}; +inf for any other activation. */
    public float clampHigh() {
        return kind == Kind.CLIP ? p1 : Float.POSITIVE_INFINITY;
    }

    /** The activation of one value; NaN stays NaN. */
    public float apply(float x) {
        return switch (kind) {
            case NONE -> x;
            case RELU -> Math.max(x, 0f);
            case CLIP -> Math.min(Math.max(x, p0), p1);
            case LEAKY_RELU -> x < 0f ? p0 * x : x;
            case SIGMOID -> (float) (1 / (1 + Math.exp(-x)));
            case HARD_SIGMOID -> Math.min(1f, Math.max(0f, p0 * x + p1));
            case HARD_SWISH -> x * Math.min(1f, Math.max(0f, p0 * x + p1));
            case TANH -> (float) Math.tanh(x);
        };
    }

    /** The same in double, for the reference path. */
    public double apply(double x) {
        return switch (kind) {
            case NONE -> x;
            case RELU -> Math.max(x, 0d);
            case CLIP -> Math.min(Math.max(x, p0), p1);
            case LEAKY_RELU -> x < 0d ? p0 * x : x;
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case HARD_SIGMOID -> Math.min(1d, Math.max(0d, p0 * x + p1));
            case HARD_SWISH -> x * Math.min(1d, Math.max(0d, x / 6 + 0.5));
            case TANH -> Math.tanh(x);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Epilogue e && kind == e.kind && Float.compare(p0, e.p0) == 0
                && Float.compare(p1, e.p1) == 0;
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + Float.hashCode(p0)) * 31 + Float.hashCode(p1);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "None";
            case RELU -> "Relu";
            case CLIP -> "Clip(" + p0 + ", " + p1 + ")";
            case LEAKY_RELU -> "LeakyRelu(" + p0 + ")";
            case SIGMOID -> "Sigmoid";
            case HARD_SIGMOID -> "HardSigmoid(" + p0 + ", " + p1 + ")";
            case HARD_SWISH -> "HardSwish";
            case TANH -> "Tanh";
        };
    }
}
