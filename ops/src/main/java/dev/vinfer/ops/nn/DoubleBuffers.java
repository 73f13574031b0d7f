package dev.vinfer.ops.nn;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * Moves runs of tensor elements to and from {@code double[]} work buffers, so that one kernel written on doubles
 * serves every dtype: float32 and float64 exactly, integers exactly (to 2^53). Writing rounds half to even and
 * saturates for integer dtypes, as the ONNX reference does when it casts float results back (Resize on uint8).
 */
public final class DoubleBuffers {
    private DoubleBuffers() {
    }

    /** Copies {@code len} elements of {@code t} starting at element {@code from} into {@code dst[dstOff..]}. */
    public static void read(Tensor t, int from, double[] dst, int dstOff, int len) {
        int base = t.offset() + from;
        switch (t.dtype()) {
            case FLOAT32 -> {
                float[] a = t.floats();
                for (int i = 0; i < len; i++) {
                    dst[dstOff + i] = a[base + i];
                }
            }
            case FLOAT64 -> System.arraycopy(t.doubles(), base, dst, dstOff, len);
            default -> {
                for (int i = 0; i < len; i++) {
                    dst[dstOff + i] = t.getDouble(from + i);
                }
            }
        }
    }

    /** A whole tensor as a fresh double array. */
    public static double[] readAll(Tensor t) {
        double[] d = new double[t.size()];
        read(t, 0, d, 0, d.length);
        return d;
    }

    /** Stores {@code src[srcOff..srcOff+len)} into {@code t} from element {@code to}, converting to its dtype. */
    public static void write(Tensor t, int to, double[] src, int srcOff, int len) {
        int base = t.offset() + to;
        switch (t.dtype()) {
            case FLOAT32 -> {
                float[] a = t.floats();
                for (int i = 0; i < len; i++) {
                    a[base + i] = (float) src[srcOff + i];
                }
            }
            case FLOAT64 -> System.arraycopy(src, srcOff, t.doubles(), base, len);
            case BOOL -> {
                for (int i = 0; i < len; i++) {
                    t.setLong(to + i, src[srcOff + i] != 0 ? 1 : 0);
                }
            }
            default -> {
                for (int i = 0; i < len; i++) {
                    writeInteger(t, to + i, src[srcOff + i]);
                }
            }
        }
    }

    /** Rounds half to even and clamps into the integer dtype's range (NaN becomes 0). */
    private static void writeInteger(Tensor t, int i, double v) {
        if (v != v) {
            t.setLong(i, 0);
            return;
        }
        double r = Math.rint(v);
        DType d = t.dtype();
        switch (d) {
            case INT8 -> t.setLong(i, (long) clamp(r, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case UINT8 -> t.setLong(i, (long) clamp(r, 0, 255));
            case INT16 -> t.setLong(i, (long) clamp(r, Short.MIN_VALUE, Short.MAX_VALUE));
            case UINT16 -> t.setLong(i, (long) clamp(r, 0, 65535));
            case INT32 -> t.setLong(i, (long) clamp(r, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case UINT32 -> t.setLong(i, (long) clamp(r, 0, 4294967295.0));
            // (long) saturates at the int64 range by itself
            case INT64 -> t.setLong(i, (long) r);
            case UINT64 -> t.setDouble(i, r <= 0 ? 0 : r);
            default -> throw new VinferException("not an integer dtype: " + d.displayName());
        }
    }

    private static double clamp(double v, double lo, double hi) {
        return v < lo ? lo : Math.min(v, hi);
    }
}
