package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * Scalar arithmetic shared by the quantized ops: the integer ranges of the quantized dtypes, round-half-to-even
 * and saturation, and element access that reads any integer tensor as exact ints.
 */
public final class QuantMath {
    private QuantMath() {
    }

    /** True for the dtypes ONNX quantizes to that vinfer can store: int8, uint8, int16, uint16. */
    public static boolean isQuantizedType(DType t) {
        return t == DType.INT8 || t == DType.UINT8 || t == DType.INT16 || t == DType.UINT16;
    }

    /** Smallest value of a quantized dtype. */
    public static int qmin(DType t) {
        return switch (t) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case UINT8, UINT16 -> 0;
            default -> throw new VinferException(t.displayName() + " is not a quantized type");
        };
    }

    /** Largest value of a quantized dtype. */
    public static int qmax(DType t) {
        return switch (t) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 255;
            case INT16 -> Short.MAX_VALUE;
            case UINT16 -> 65535;
            default -> throw new VinferException(t.displayName() + " is not a quantized type");
        };
    }

    /** Throws unless {@code t} is a quantized dtype; {@code what} names the tensor in the message. */
    public static void requireQuantized(Tensor t, String what) {
        if (!isQuantizedType(t.dtype())) {
            throw new VinferException(what + " must be int8, uint8, int16 or uint16, got " + t.dtype().displayName());
        }
    }

    /**
     * {@code rint(v) + zeroPoint}, clamped to [qmin, qmax]. Rounds half to even (Math.rint); NaN counts as 0. The
     * rounded value is clamped to a range far outside every quantized type before the long conversion, so huge
     * inputs saturate instead of overflowing.
     */
    public static int quantize(double v, int zeroPoint, int qmin, int qmax) {
        double r = Math.rint(v);
        if (Double.isNaN(r)) {
            r = 0;
        }
        long q = (long) Math.max(-1e12, Math.min(1e12, r)) + zeroPoint;
        return (int) Math.max(qmin, Math.min(qmax, q));
    }

    /** Element {@code i} of an integer tensor of at most 32 bits, exact (uint32 above 2^31 is rejected). */
    public static int intAt(Tensor t, int i) {
        long v = t.getLong(i);
        if (v != (int) v) {
            throw new VinferException("value " + v + " of " + t.dtype().displayName() + " tensor does not fit int32");
        }
        return (int) v;
    }

    /** All elements of an integer tensor as ints (exact). */
    public static int[] ints(Tensor t) {
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = intAt(t, i);
        }
        return out;
    }

    /** Stores an in-range quantized value into a quantized tensor's backing array. */
    public static void store(Tensor out, int i, int q) {
        switch (out.dtype()) {
            case INT8, UINT8 -> out.bytes()[out.offset() + i] = (byte) q;
            case INT16, UINT16 -> out.shorts()[out.offset() + i] = (short) q;
            default -> out.setLong(i, q);
        }
    }

    /** Element {@code i} of a float32 or float64 tensor; scales must be floating point. */
    public static float scaleAt(Tensor t, int i, String what) {
        if (!t.dtype().isFloatingPoint()) {
            throw new VinferException(what + " must be float32, got " + t.dtype().displayName());
        }
        return t.getFloat(i);
    }

    /** The single value of a per-tensor parameter (a scalar or one-element tensor). */
    public static float scalarScale(Tensor t, String what) {
        if (t.size() != 1) {
            throw new VinferException(what + " must be a scalar, got shape " + java.util.Arrays.toString(t.shape()));
        }
        return scaleAt(t, 0, what);
    }

    /** The single value of a per-tensor zero point, or 0 when absent. */
    public static int scalarZeroPoint(Tensor t, String what) {
        if (t == null) {
            return 0;
        }
        if (t.size() != 1) {
            throw new VinferException(what + " must be a scalar, got shape " + java.util.Arrays.toString(t.shape()));
        }
        return intAt(t, 0);
    }
}
