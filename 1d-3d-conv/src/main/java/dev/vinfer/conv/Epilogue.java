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
        LEAKY_RELU
    }

    public static final Epilogue NONE = new Epilogue(Kind.NONE, 0f, 0f);
    public static final Epilogue RELU = new Epilogue(Kind.RELU, 0f, 0f);

    private final Kind kind;
    /** CLIP: lower bound; LEAKY_RELU: alpha. */
    private final float p0;
    /** CLIP: upper bound. */
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

    public static Epilogue leakyRelu(float alpha) {
        return new Epilogue(Kind.LEAKY_RELU, alpha, 0f);
    }

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

    /** LEAKY_RELU's slope for negative inputs. */
    public float alpha() {
        return p0;
    }

    public boolean isIdentity() {
        return kind == Kind.NONE;
    }

    /** The activation of one value; NaN stays NaN. */
    public float apply(float x) {
        return switch (kind) {
            case NONE -> x;
            case RELU -> Math.max(x, 0f);
            case CLIP -> Math.min(Math.max(x, p0), p1);
            case LEAKY_RELU -> x < 0f ? p0 * x : x;
        };
    }

    /** The same in double, for the reference path. */
    public double apply(double x) {
        return switch (kind) {
            case NONE -> x;
            case RELU -> Math.max(x, 0d);
            case CLIP -> Math.min(Math.max(x, p0), p1);
            case LEAKY_RELU -> x < 0d ? p0 * x : x;
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
        };
    }
}
