package dev.vinfer.ops.nn.pool;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.Parallel;
import dev.vinfer.conv.PoolReduction;
import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * GlobalAveragePool, GlobalMaxPool and GlobalLpPool: one value per {@code (n, c)} over all spatial dims (any
 * number), output {@code [N, C, 1, ..., 1]}.
 */
public final class GlobalPoolOp implements Operator {

    /** The reduction applied to each plane. */
    public enum Kind { AVERAGE, MAX, LP }

    /** Input elements per task at least this many before planes are split over threads. */
    private static final int MIN_ELEMENTS_PER_TASK = 1 << 16;

    private final Kind kind;
    private final double p;

    /** {@code p} is used by {@link Kind#LP} only. */
    public GlobalPoolOp(Kind kind, double p) {
        if (kind == Kind.LP && (!(p > 0) || Double.isInfinite(p))) {
            throw new VinferException("GlobalLpPool p must be positive and finite, got " + p);
        }
        this.kind = kind;
        this.p = p;
    }

    @Override
    public String opType() {
        return switch (kind) {
            case AVERAGE -> "GlobalAveragePool";
            case MAX -> "GlobalMaxPool";
            case LP -> "GlobalLpPool";
        };
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (!x.dtype().isFloatingPoint()) {
            throw new VinferException(opType() + " takes float32 or float64, not " + x.dtype().displayName());
        }
        if (x.rank() < 2) {
            throw new VinferException(opType() + " needs an input [N, C, ...], got " + x);
        }
        int[] shape = x.shape();
        int[] outShape = shape.clone();
        java.util.Arrays.fill(outShape, 2, outShape.length, 1);
        int planes = shape[0] * shape[1];
        int plane = planes == 0 ? 0 : x.size() / planes;
        Tensor y = ctx.output(0, x.dtype(), outShape);
        if (x.dtype() == DType.FLOAT32 && kind != Kind.LP && plane > 0) {
            floatPlanes(x, y, planes, plane, ctx.parallel());
            return ctx.result(y);
        }
        double[] src = dev.vinfer.ops.nn.ScratchDoubles.get(0, plane); // kept per thread: no garbage per run
        double[] result = dev.vinfer.ops.nn.ScratchDoubles.get(1, planes);
        for (int i = 0; i < planes; i++) {
            DoubleBuffers.read(x, i * plane, src, 0, plane);
            result[i] = reduce(src, plane);
        }
        DoubleBuffers.write(y, 0, result, 0, planes);
        return ctx.result(y);
    }

    /**
     * Float32 average or max: one vectorized reduction per plane ({@link Backend#reduceRows}) straight from the
     * input, a sum in float with lane-wise partial sums (relative error within about {@code (n / lanes + lanes)}
     * ulps of the sum of magnitudes), planes split over the threads when there are enough of them.
     */
    private void floatPlanes(Tensor x, Tensor y, int planes, int plane, Parallel parallel) {
        float[] src = x.floats();
        float[] dst = y.floats();
        int so = x.offset();
        int yo = y.offset();
        boolean average = kind == Kind.AVERAGE;
        int minPlanes = Math.max(1, MIN_ELEMENTS_PER_TASK / plane);
        parallel.forRange(planes, minPlanes, (start, end) -> {
            Backend be = Kernels.backend();
            // the division inside the backend call: a loop here would run in C1 code for hundreds of runs
            if (average) {
                be.averageRows(src, so + start * plane, end - start, plane, dst, yo + start);
            } else {
                be.reduceRows(PoolReduction.MAX, src, so + start * plane, end - start, plane, dst, yo + start);
            }
        });
    }

    /** The reduction of {@code v[0, n)}. */
    private double reduce(double[] v, int n) {
        switch (kind) {
            case AVERAGE -> {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += v[i];
                }
                return s / n;
            }
            case MAX -> {
                // NaN propagates: Math.max returns NaN if either is NaN, like numpy's max
                double m = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    m = Math.max(m, v[i]);
                }
                return m;
            }
            default -> {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += Math.pow(Math.abs(v[i]), p);
                }
                return Math.pow(s, 1 / p);
            }
        }
    }
}
