package dev.vinfer.ops.nn.pool;

import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * MaxPool over 1 to 3 spatial dims, optionally with the int64 indices of the chosen elements.
 *
 * <p>An index is the element's position in the whole input flattened, {@code (n * C + c) * plane + spatial}, where
 * the spatial part is row-major or, with {@code columnMajorIndices}, column-major over the spatial dims (ONNX
 * storage_order 1). Padding never wins; NaN inputs are skipped, as in the ONNX reference, and the first of equal
 * maxima is kept.
 */
public final class MaxPoolOp implements Operator {
    private final PoolWindow window;
    private final boolean withIndices;
    private final boolean columnMajorIndices;
    /** The geometry of the most recent input shape (immutable, replaced whole): no geometry built per run. */
    private volatile Shaped last;

    private record Shaped(PoolGeometry geometry, int[] outShape, SeparablePool floatPool, MaxPool3x3s2 fast3x3s2) {
    }

    public MaxPoolOp(PoolWindow window, boolean withIndices, boolean columnMajorIndices) {
        this.window = window;
        this.withIndices = withIndices;
        this.columnMajorIndices = columnMajorIndices;
    }

    /** The pooling window (for graph passes that rewrite this op). */
    public PoolWindow window() {
        return window;
    }

    /** Whether the op also writes the Indices output. */
    public boolean withIndices() {
        return withIndices;
    }

    @Override
    public String opType() {
        return "MaxPool";
    }

    @Override
    public String describe() {
        return window.toString();
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        DType dt = x.dtype();
        if (dt != DType.FLOAT32 && dt != DType.FLOAT64 && dt != DType.INT8 && dt != DType.UINT8) {
            throw new VinferException("MaxPool takes float32, float64, int8 or uint8, not " + dt.displayName());
        }
        Shaped shaped = last;
        if (shaped == null || !shaped.geometry().hasInputShape(x)) {
            PoolGeometry fresh = PoolGeometry.of(window, x.shape(), ctx);
            shaped = new Shaped(fresh, fresh.outputShape(), FloatMaxPool.plan(fresh),
                    MaxPool3x3s2.plan(window, fresh));
            last = shaped;
        }
        PoolGeometry g = shaped.geometry();
        int[] outShape = shaped.outShape(); // not to be changed: shared by runs
        Tensor y = ctx.output(0, dt, outShape);
        if (dt == DType.FLOAT32 && !withIndices) {
            FloatMaxPool.run(shaped.floatPool(), shaped.fast3x3s2(), x, y, ctx.parallel());
            return ctx.result(y);
        }
        Tensor indices = withIndices ? ctx.output(1, DType.INT64, outShape) : null;
        int inPlane = g.inputPlaneSize();
        int outPlane = g.outputPlaneSize();
        double[] src = dev.vinfer.ops.nn.ScratchDoubles.get(0, inPlane); // kept per thread: no garbage per run
        double[] dst = dev.vinfer.ops.nn.ScratchDoubles.get(1, outPlane);
        long[] idx = withIndices ? new long[outPlane] : null;
        for (int p = 0; p < g.planes(); p++) {
            DoubleBuffers.read(x, p * inPlane, src, 0, inPlane);
            poolPlane(g, src, dst, idx);
            DoubleBuffers.write(y, p * outPlane, dst, 0, outPlane);
            if (indices != null) {
                long[] iv = indices.longs();
                long planeBase = (long) p * inPlane;
                for (int i = 0; i < outPlane; i++) {
                    iv[indices.offset() + p * outPlane + i] = idx[i] < 0 ? -1 : planeBase + idx[i];
                }
            }
        }
        return indices == null ? new Tensor[] {y} : new Tensor[] {y, indices};
    }

    /** Max of each window of one plane; {@code idx[o]} gets the winner's in-plane position (or -1). */
    private void poolPlane(PoolGeometry g, double[] src, double[] dst, long[] idx) {
        int h = g.in(1);
        int w = g.in(2);
        int dz = g.dilation(0);
        int dy = g.dilation(1);
        int dx = g.dilation(2);
        int o = 0;
        for (int oz = 0; oz < g.out(0); oz++) {
            int fz = g.first(0, oz);
            int nz = g.valid(0, oz);
            for (int oy = 0; oy < g.out(1); oy++) {
                int fy = g.first(1, oy);
                int ny = g.valid(1, oy);
                for (int ox = 0; ox < g.out(2); ox++, o++) {
                    int fx = g.first(2, ox);
                    int nx = g.valid(2, ox);
                    double best = Double.NEGATIVE_INFINITY;
                    int bestAt = -1;
                    for (int a = 0; a < nz; a++) {
                        int iz = fz + a * dz;
                        for (int b = 0; b < ny; b++) {
                            int row = (iz * h + fy + b * dy) * w;
                            for (int c = 0; c < nx; c++) {
                                int at = row + fx + c * dx;
                                double v = src[at];
                                // ">" skips NaN; "==" lets a window of only -inf still report its first element
                                if (v > best || bestAt < 0 && v == best) {
                                    best = v;
                                    bestAt = at;
                                }
                            }
                        }
                    }
                    if (bestAt < 0 && nz * ny * nx > 0) {
                        // every tap was NaN
                        best = Double.NaN;
                        bestAt = (fz * h + fy) * w + fx;
                    }
                    dst[o] = best;
                    if (idx != null) {
                        idx[o] = bestAt < 0 ? -1 : storageIndex(g, bestAt);
                    }
                }
            }
        }
    }

    /** Converts a row-major in-plane position into the requested storage order. */
    private long storageIndex(PoolGeometry g, int rowMajor) {
        if (!columnMajorIndices) {
            return rowMajor;
        }
        int h = g.in(1);
        int w = g.in(2);
        int ix = rowMajor % w;
        int iy = rowMajor / w % h;
        int iz = rowMajor / (w * h);
        return iz + (long) iy * g.in(0) + (long) ix * g.in(0) * h;
    }
}
