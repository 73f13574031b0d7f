package dev.vinfer.ops.activation;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * Clip: y = min(max(x, lo), hi), so that lo &gt; hi gives hi everywhere, as the spec says. NaN elements stay NaN.
 *
 * <p>The bounds are either fixed (opsets before 11 had float attributes) or read at run time from the optional
 * scalar inputs 1 and 2 (opset 11 on), where a missing input means no bound. Integer dtypes (opset 12 on) are
 * clipped exactly in 64-bit arithmetic, uint64 compared unsigned.
 */
public final class ClipOp implements Operator {
    private final boolean boundsFromInputs;
    private final double fixedMin;
    private final double fixedMax;

    private ClipOp(boolean boundsFromInputs, double fixedMin, double fixedMax) {
        this.boundsFromInputs = boundsFromInputs;
        this.fixedMin = fixedMin;
        this.fixedMax = fixedMax;
    }

    /** Clip with constant float bounds (infinities for none). */
    public static ClipOp withBounds(double min, double max) {
        return new ClipOp(false, min, max);
    }

    /** Clip reading optional bounds from inputs 1 (min) and 2 (max). */
    public static ClipOp boundsFromInputs() {
        return new ClipOp(true, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    @Override
    public String opType() {
        return "Clip";
    }

    @Override
    public String describe() {
        return boundsFromInputs ? "" : "[" + fixedMin + ", " + fixedMax + "]";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        Tensor min = boundsFromInputs ? bound(inputs, 1, "min") : null;
        Tensor max = boundsFromInputs ? bound(inputs, 2, "max") : null;
        DType t = x.dtype();
        if (t.isFloatingPoint()) {
            double lo = min != null ? min.getDouble(0) : fixedMin;
            double hi = max != null ? max.getDouble(0) : fixedMax;
            Tensor y = ctx.output(0, t, x.shape());
            if (t == DType.FLOAT32) {
                clipFloats(x, y, (float) lo, (float) hi);
            } else {
                clipDoubles(x, y, lo, hi);
            }
            return ctx.result(y);
        }
        if (!t.isInteger()) {
            throw new VinferException("Clip does not support " + t.displayName() + " tensors");
        }
        if (!boundsFromInputs) {
            throw new VinferException("Clip with min/max attributes takes floating-point tensors, not "
                    + t.displayName());
        }
        Tensor y = ctx.output(0, t, x.shape());
        clipIntegers(x, y, min, max, t == DType.UINT64);
        return ctx.result(y);
    }

    /** Input {@code i} as a one-element tensor, or null when missing (or given empty). */
    private static Tensor bound(Tensor[] inputs, int i, String name) {
        Tensor b = i < inputs.length ? inputs[i] : null;
        if (b == null || b.size() == 0) {
            return null;
        }
        if (b.size() != 1) {
            throw new VinferException("Clip " + name + " must be a scalar, got " + b);
        }
        if (b.dtype() != inputs[0].dtype()) {
            throw new VinferException("Clip " + name + " is " + b.dtype().displayName() + " but the input is "
                    + inputs[0].dtype().displayName());
        }
        return b;
    }

    private static void clipFloats(Tensor x, Tensor y, float lo, float hi) {
        float[] in = x.floats();
        float[] out = y.floats();
        int io = x.offset();
        int oo = y.offset();
        for (int i = 0, n = x.size(); i < n; i++) {
            float v = in[io + i];
            v = v < lo ? lo : v;
            out[oo + i] = v > hi ? hi : v;
        }
    }

    private static void clipDoubles(Tensor x, Tensor y, double lo, double hi) {
        double[] in = x.doubles();
        double[] out = y.doubles();
        int io = x.offset();
        int oo = y.offset();
        for (int i = 0, n = x.size(); i < n; i++) {
            double v = in[io + i];
            v = v < lo ? lo : v;
            out[oo + i] = v > hi ? hi : v;
        }
    }

    private static void clipIntegers(Tensor x, Tensor y, Tensor min, Tensor max, boolean unsigned64) {
        long lo = min != null ? min.getLong(0) : 0;
        long hi = max != null ? max.getLong(0) : 0;
        for (int i = 0, n = x.size(); i < n; i++) {
            long v = x.getLong(i);
            if (min != null && compare(v, lo, unsigned64) < 0) {
                v = lo;
            }
            if (max != null && compare(v, hi, unsigned64) > 0) {
                v = hi;
            }
            y.setLong(i, v);
        }
    }

    private static int compare(long a, long b, boolean unsigned64) {
        return unsigned64 ? Long.compareUnsigned(a, b) : Long.compare(a, b);
    }
}
