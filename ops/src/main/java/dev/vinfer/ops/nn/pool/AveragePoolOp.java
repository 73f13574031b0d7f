package dev.vinfer.ops.nn.pool;

import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * AveragePool over 1 to 3 spatial dims. The divisor counts the taps inside the input, or with
 * {@code countIncludePad} also those in explicit (or SAME) padding, never those added by ceil rounding.
 */
public final class AveragePoolOp implements Operator {
    private final PoolWindow window;
    private final boolean countIncludePad;

    public AveragePoolOp(PoolWindow window, boolean countIncludePad) {
        this.window = window;
        this.countIncludePad = countIncludePad;
    }

    @Override
    public String opType() {
        return "AveragePool";
    }

    @Override
    public String describe() {
        return window + (countIncludePad ? " count_include_pad" : "");
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (!x.dtype().isFloatingPoint()) {
            throw new VinferException("AveragePool takes float32 or float64, not " + x.dtype().displayName());
        }
        PoolGeometry g = PoolGeometry.of(window, x.shape());
        Tensor y = ctx.output(0, x.dtype(), g.outputShape());
        int inPlane = g.inputPlaneSize();
        int outPlane = g.outputPlaneSize();
        int[] divisors = new int[outPlane];
        WindowSums.counts(g, divisors, countIncludePad);
        double[] src = new double[inPlane];
        double[] dst = new double[outPlane];
        for (int p = 0; p < g.planes(); p++) {
            DoubleBuffers.read(x, p * inPlane, src, 0, inPlane);
            WindowSums.sum(g, src, dst, 0);
            for (int o = 0; o < outPlane; o++) {
                dst[o] /= divisors[o];
            }
            DoubleBuffers.write(y, p * outPlane, dst, 0, outPlane);
        }
        return ctx.result(y);
    }
}
