package dev.vinfer.quantization.simd;

/**
 * The element-wise steps around an integer product: widening quantized bytes to exact centered floats, and
 * requantizing accumulators to bytes with ONNX rounding (half to even) and saturation. Two implementations with the
 * same results: {@link ScalarQuantKernels} (the reference) and {@link VectorQuantKernels} (Vector API).
 *
 * <p>Requantization of one accumulator {@code a}: {@code v = a * mult + add}; then the activation
 * {@code v = v < 0 ? alpha * v : v} (alpha 1 is none, 0 is Relu) and {@code v = clamp(v, lo, hi)} (a Clip; use
 * infinities for none); then {@code q = clamp(rint(v) + zero, qmin, qmax)}.
 */
public interface QuantKernels {

    /**
     * {@code dst[i] = (src[i] as int8 or uint8) - zero}, exact in float; returns the largest {@code |dst[i]|} (0 for
     * n = 0), which bounds the reduction an exact float product may run.
     */
    int center(byte[] src, int srcOff, boolean unsigned, int zero, float[] dst, int dstOff, int n);

    /** Requantizes {@code n} accumulators (see the class comment) into bytes. */
    void requantize(float[] acc, int accOff, float mult, float add, Activation act, int zero, int qmin, int qmax,
            byte[] dst, int dstOff, int n);

    /** As {@link #requantize} with a multiplier and addend per element ({@code mult[i]}, {@code add[i]}). */
    void requantizeRow(float[] acc, int accOff, float[] mult, float[] add, Activation act, int zero, int qmin,
            int qmax, byte[] dst, int dstOff, int n);

    /**
     * Element-wise Add (or Mul) of two quantized byte arrays, bit-exact with DequantizeLinear, the float32 op, the
     * activation and QuantizeLinear: {@code a = (qa - za) * sa} and {@code b = (qb - zb) * sb} rounded to float32,
     * {@code v = act(a + b)} (or {@code a * b}), {@code y = sat(rint(v / ys) + zy)} with a float32 division.
     */
    void binary(boolean multiply, byte[] a, int aOff, boolean aUnsigned, int aZero, float aScale, byte[] b, int bOff,
            boolean bUnsigned, int bZero, float bScale, Activation act, float yScale, int yZero, int qmin, int qmax,
            byte[] dst, int dstOff, int n);

    /**
     * QuantizeLinear per tensor, bit-exact with the op: {@code sat(rint(x / scale) + zero)} with a float32 division.
     */
    void quantize(float[] src, int srcOff, float scale, int zero, int qmin, int qmax, byte[] dst, int dstOff, int n);

    /** {@code dst[i] += (int) src[i]} for float values that hold exact integers. */
    void addToInts(float[] src, int srcOff, int[] dst, int dstOff, int n);

    /** The activation between the product and the requantization, in units of the output scale. */
    record Activation(float alpha, float lo, float hi) {
        public static final Activation NONE = new Activation(1f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);

        public boolean isNone() {
            return alpha == 1f && lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY;
        }

        /** The same activation for values divided by {@code scale} (a positive output scale). */
        public Activation scaledBy(float scale) {
            return new Activation(alpha, lo / scale, hi / scale);
        }

        public float apply(float v) {
            float r = v < 0 ? alpha * v : v;
            return Math.min(Math.max(r, lo), hi);
        }
    }

    /** The Vector API kernels unless {@code vinfer.scalar=true} or the vector module is missing. */
    static QuantKernels get() {
        return Holder.DEFAULT;
    }

    /** The plain-Java reference. */
    static QuantKernels scalar() {
        return ScalarQuantKernels.INSTANCE;
    }

    /** Chooses once. */
    final class Holder {
        static final QuantKernels DEFAULT = choose();

        private Holder() {
        }

        private static QuantKernels choose() {
            // One decision for the whole library: where the float kernels fall back (no module, too few lanes, no
            // compiled FMA), so do the integer ones.
            if (Boolean.getBoolean("vinfer.scalar") || dev.vinfer.conv.Kernels.simd().isEmpty()) {
                return ScalarQuantKernels.INSTANCE;
            }
            try {
                return new VectorQuantKernels();
            } catch (LinkageError e) {
                return ScalarQuantKernels.INSTANCE;
            }
        }
    }
}
