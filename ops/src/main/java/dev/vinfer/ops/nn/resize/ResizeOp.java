package dev.vinfer.ops.nn.resize;

import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * Resize (and Upsample) of a tensor of any rank along any of its axes.
 *
 * <p>The target comes either from fixed scales (given at import) or, at run time, from a scales input (float,
 * output size {@code floor(in * scale)}) or a sizes input (int64, scale {@code out / in}); an input index of -1
 * means the op has no such input. Nearest sampling copies elements exactly, in any dtype. Linear and cubic
 * interpolate one axis at a time in double, then round (half to even) and saturate into integer dtypes.
 */
public final class ResizeOp implements Operator {
    private final String opType;
    private final ResizeSpec spec;
    private final double[] fixedScales;
    private final int roiInput;
    private final int scalesInput;
    private final int sizesInput;

    /**
     * @param opType      the name shown (Resize or Upsample)
     * @param spec        how to sample
     * @param fixedScales one scale per axis of {@code spec.axes()} (or every axis), or null to read inputs
     * @param roiInput    index of the roi input (used by tf_crop_and_resize), or -1
     * @param scalesInput index of the scales input, or -1
     * @param sizesInput  index of the sizes input, or -1
     */
    public ResizeOp(String opType, ResizeSpec spec, double[] fixedScales, int roiInput, int scalesInput,
            int sizesInput) {
        this.opType = opType;
        this.spec = spec;
        this.fixedScales = fixedScales == null ? null : fixedScales.clone();
        this.roiInput = roiInput;
        this.scalesInput = scalesInput;
        this.sizesInput = sizesInput;
    }

    @Override
    public String opType() {
        return opType;
    }

    @Override
    public String describe() {
        return spec.toString();
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        int[] inShape = x.shape();
        int rank = inShape.length;
        int[] axes = axes(rank);
        double[] scales = new double[rank];
        int[] outShape = inShape.clone();
        Arrays.fill(scales, 1);
        target(inputs, inShape, axes, scales, outShape);
        double[] roi = roi(inputs, rank, axes);
        Tensor y = ctx.output(0, x.dtype(), outShape);
        AxisSampling[] sampling = new AxisSampling[rank];
        for (int a = 0; a < rank; a++) {
            if (inShape[a] == 0 && outShape[a] > 0) {
                throw new VinferException(opType + " cannot resize an empty axis " + a + " to " + outShape[a]);
            }
            sampling[a] = AxisSampling.of(spec, inShape[a], outShape[a], scales[a], roi[a], roi[rank + a]);
        }
        if (y.size() == 0) {
            return ctx.result(y);
        }
        if (spec.mode() == ResizeMode.NEAREST && x.dtype() == DType.FLOAT32) {
            FloatNearestResize.resize(x, y, sampling, spec.extrapolationValue(), ctx.parallel());
        } else if (spec.mode() == ResizeMode.NEAREST) {
            NearestGather.gather(x, y, sampling, spec.extrapolationValue());
        } else {
            interpolate(x, y, sampling, scales, roi, spec.extrapolationValue());
        }
        return ctx.result(y);
    }

    /** The resized axes, normalized; all axes when the spec names none. */
    private int[] axes(int rank) {
        int[] given = spec.axes();
        if (given == null) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] axes = new int[given.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < given.length; i++) {
            axes[i] = Shapes.axis(given[i], rank);
            if (seen[axes[i]]) {
                throw new VinferException(opType + " axes repeat axis " + axes[i]);
            }
            seen[axes[i]] = true;
        }
        return axes;
    }

    /** Fills per-axis scales and output sizes from fixed scales, the scales input or the sizes input. */
    private void target(Tensor[] inputs, int[] inShape, int[] axes, double[] scales, int[] outShape) {
        Tensor scalesT = present(inputs, scalesInput);
        Tensor sizesT = present(inputs, sizesInput);
        if (fixedScales == null && scalesT != null && sizesT != null) {
            throw new VinferException(opType + " takes scales or sizes, not both");
        }
        if (fixedScales != null || scalesT != null) {
            double[] given = fixedScales != null ? fixedScales : scalesT.toDoubleArray();
            checkCount("scales", given.length, axes.length);
            for (int i = 0; i < axes.length; i++) {
                double s = given[i];
                if (!(s > 0) || Double.isInfinite(s)) {
                    throw new VinferException(opType + " scales must be positive, got " + Arrays.toString(given));
                }
                int a = axes[i];
                scales[a] = s;
                double size = Math.floor(s * inShape[a]);
                if (size > Shapes.MAX_ELEMENTS) {
                    throw new VinferException(opType + " output too large: scale " + s + " on size " + inShape[a]);
                }
                outShape[a] = (int) size;
            }
            return;
        }
        if (sizesT == null) {
            throw new VinferException(opType + " needs scales or sizes");
        }
        long[] sizes = sizesT.toLongArray();
        checkCount("sizes", sizes.length, axes.length);
        for (int i = 0; i < axes.length; i++) {
            if (sizes[i] < 0 || sizes[i] > Shapes.MAX_ELEMENTS) {
                throw new VinferException(opType + " sizes out of range: " + Arrays.toString(sizes));
            }
            int a = axes[i];
            outShape[a] = (int) sizes[i];
            scales[a] = inShape[a] == 0 ? 1 : (double) sizes[i] / inShape[a];
        }
        if (spec.aspectRatio() != AspectRatioPolicy.STRETCH) {
            double common = spec.aspectRatio() == AspectRatioPolicy.NOT_LARGER ? Double.POSITIVE_INFINITY : 0;
            for (int a : axes) {
                common = spec.aspectRatio() == AspectRatioPolicy.NOT_LARGER ? Math.min(common, scales[a])
                        : Math.max(common, scales[a]);
            }
            for (int a : axes) {
                scales[a] = common;
                // round half up
                outShape[a] = (int) Math.floor(common * inShape[a] + 0.5);
            }
        }
    }

    private void checkCount(String what, int got, int expected) {
        if (got != expected) {
            throw new VinferException(opType + " " + what + " has " + got + " values, expected " + expected);
        }
    }

    /** Region of interest as {@code [start_0..start_r-1, end_0..end_r-1]} over all axes; [0, 1] where unused. */
    private double[] roi(Tensor[] inputs, int rank, int[] axes) {
        double[] roi = new double[2 * rank];
        Arrays.fill(roi, rank, 2 * rank, 1);
        if (spec.transform() != CoordinateTransform.TF_CROP_AND_RESIZE) {
            return roi;
        }
        Tensor t = present(inputs, roiInput);
        if (t == null) {
            throw new VinferException(opType + " with tf_crop_and_resize needs a roi input");
        }
        double[] given = t.toDoubleArray();
        checkCount("roi", given.length, 2 * axes.length);
        for (int i = 0; i < axes.length; i++) {
            roi[axes[i]] = given[i];
            roi[rank + axes[i]] = given[axes.length + i];
        }
        return roi;
    }

    /** Input {@code i} if the op has it and it is not empty (an empty tensor stands for an omitted input). */
    private static Tensor present(Tensor[] inputs, int i) {
        if (i < 0 || i >= inputs.length || inputs[i] == null || inputs[i].size() == 0) {
            return null;
        }
        return inputs[i];
    }

    /** Linear or cubic: one separable pass per axis that changes, in double. */
    private static void interpolate(Tensor x, Tensor y, AxisSampling[] sampling, double[] scales, double[] roi,
            double extrapolation) {
        int rank = sampling.length;
        double[] cur = DoubleBuffers.readAll(x);
        int[] shape = x.shape();
        for (int a = 0; a < rank; a++) {
            AxisSampling s = sampling[a];
            boolean identity = s.inLen == s.outLen && scales[a] == 1 && roi[a] == 0 && roi[rank + a] == 1;
            if (identity) {
                continue;
            }
            cur = resizeAxis(cur, shape, a, s, extrapolation);
            shape[a] = s.outLen;
        }
        DoubleBuffers.write(y, 0, cur, 0, cur.length);
    }

    private static double[] resizeAxis(double[] src, int[] shape, int axis, AxisSampling s, double extrapolation) {
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= shape[d];
        }
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int[] outShape = shape.clone();
        outShape[axis] = s.outLen;
        double[] dst = new double[Shapes.size(outShape)];
        for (int ob = 0; ob < outer; ob++) {
            for (int o = 0; o < s.outLen; o++) {
                int dstOff = (ob * s.outLen + o) * inner;
                if (s.extrapolated(o)) {
                    Arrays.fill(dst, dstOff, dstOff + inner, extrapolation);
                    continue;
                }
                for (int j = 0; j < s.taps; j++) {
                    double w = s.weight(o, j);
                    if (w == 0) {
                        continue; // also keeps an infinite edge value from turning into NaN
                    }
                    int srcOff = (ob * s.inLen + s.index(o, j)) * inner;
                    for (int i = 0; i < inner; i++) {
                        dst[dstOff + i] += w * src[srcOff + i];
                    }
                }
            }
        }
        return dst;
    }
}
