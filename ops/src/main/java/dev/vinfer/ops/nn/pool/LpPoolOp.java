package dev.vinfer.ops.nn.pool;

import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/** LpPool: {@code (sum |x|^p)^(1/p)} over each window; padding adds zeros. */
public final class LpPoolOp implements Operator {
    private final PoolWindow window;
    private final double p;

    public LpPoolOp(PoolWindow window, double p) {
        if (!(p > 0) || Double.isInfinite(p)) {
            throw new VinferException("LpPool p must be positive and finite, got " + p);
        }
        this.window = window;
        this.p = p;
    }

    @Override
    public String opType() {
        return "LpPool";
    }

    @Override
    public String describe() {
        return window + " p=" + p;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (!x.dtype().isFloatingPoint()) {
            throw new VinferException("LpPool takes float32 or float64, not " + x.dtype().displayName());
        }
        PoolGeometry g = PoolGeometry.of(window, x.shape(), ctx);
        Tensor y = ctx.output(0, x.dtype(), g.outputShape());
        int inPlane = g.inputPlaneSize();
        int outPlane = g.outputPlaneSize();
        double[] src = new double[inPlane];
        double[] dst = new double[outPlane];
        for (int plane = 0; plane < g.planes(); plane++) {
            DoubleBuffers.read(x, plane * inPlane, src, 0, inPlane);
            WindowSums.sum(g, src, dst, p);
            for (int o = 0; o < outPlane; o++) {
                dst[o] = root(dst[o]);
            }
            DoubleBuffers.write(y, plane * outPlane, dst, 0, outPlane);
        }
        return new Tensor[] {y};
    }

    private double root(double s) {
        return p == 1 ? s : p == 2 ? Math.sqrt(s) : Math.pow(s, 1 / p);
    }
}
