package dev.vinfer.ops.nn.norm;

import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.ops.util.Broadcast;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * LayerNormalization: each row of the dims from {@code axis} on is normalized by its mean and variance, then
 * multiplied by {@code Scale} and shifted by {@code B}, both broadcast (numpy, towards X) to X's shape. Optional
 * outputs 1 and 2 are the rows' mean and inverse standard deviation, shaped like X with ones from {@code axis} on,
 * in {@code statsType} (ONNX stash_type). Statistics are accumulated in double whatever that type.
 */
public final class LayerNormalizationOp implements Operator {
    private final int axis;
    private final double epsilon;
    private final DType statsType;
    private final boolean meanOutput;
    private final boolean invStdDevOutput;

    /**
     * @param meanOutput      produce output 1, the rows' means
     * @param invStdDevOutput produce output 2, the rows' inverse standard deviations
     */
    public LayerNormalizationOp(int axis, double epsilon, DType statsType, boolean meanOutput,
            boolean invStdDevOutput) {
        if (!statsType.isFloatingPoint()) {
            throw new VinferException("LayerNormalization statistics must be floating point, not "
                    + statsType.displayName());
        }
        this.axis = axis;
        this.epsilon = epsilon;
        this.statsType = statsType;
        this.meanOutput = meanOutput;
        this.invStdDevOutput = invStdDevOutput;
    }

    @Override
    public String opType() {
        return "LayerNormalization";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (!x.dtype().isFloatingPoint()) {
            throw new VinferException("LayerNormalization takes float32 or float64, not " + x.dtype().displayName());
        }
        int[] shape = x.shape();
        int a = Shapes.axis(axis, shape.length);
        int rowLen = 1;
        for (int d = a; d < shape.length; d++) {
            rowLen *= shape[d];
        }
        int rows = rowLen == 0 ? 0 : x.size() / rowLen;
        Affine scale = Affine.of(inputs[1], "Scale", shape, a, rowLen);
        Affine bias = inputs.length > 2 && inputs[2] != null ? Affine.of(inputs[2], "B", shape, a, rowLen) : null;
        Tensor y = ctx.output(0, x.dtype(), shape);
        int[] statsShape = shape.clone();
        Arrays.fill(statsShape, a, shape.length, 1);
        Tensor meanOut = meanOutput ? ctx.output(1, statsType, statsShape) : null;
        Tensor invStdOut = invStdDevOutput ? ctx.output(2, statsType, statsShape) : null;
        double[] means = new double[rows];
        double[] invStds = new double[rows];
        double[] buf = new double[rowLen];
        for (int r = 0; r < rows; r++) {
            int off = r * rowLen;
            DoubleBuffers.read(x, off, buf, 0, rowLen);
            double mean = Moments.mean(buf, 0, rowLen);
            double invStd = 1 / Math.sqrt(Moments.variance(buf, 0, rowLen, mean) + epsilon);
            means[r] = mean;
            invStds[r] = invStd;
            for (int i = 0; i < rowLen; i++) {
                double v = (buf[i] - mean) * invStd * scale.at(off + i, i);
                buf[i] = bias == null ? v : v + bias.at(off + i, i);
            }
            DoubleBuffers.write(y, off, buf, 0, rowLen);
        }
        if (meanOut != null) {
            DoubleBuffers.write(meanOut, 0, means, 0, rows);
        }
        if (invStdOut != null) {
            DoubleBuffers.write(invStdOut, 0, invStds, 0, rows);
        }
        return invStdOut != null ? new Tensor[] {y, meanOut, invStdOut}
                : meanOut != null ? new Tensor[] {y, meanOut} : new Tensor[] {y};
    }

    /**
     * Scale or B read as doubles with a way to find the value for element {@code k} of X: by position in the row
     * when the tensor is just the row's shape (the usual case), else through a full broadcast index map.
     */
    private record Affine(double[] values, int[] indexMap) {
        static Affine of(Tensor t, String name, int[] xShape, int axis, int rowLen) {
            if (t == null) {
                throw new VinferException("LayerNormalization needs input '" + name + "'");
            }
            int[] s = t.shape();
            if (!Arrays.equals(Shapes.broadcast(s, xShape), xShape)) {
                throw new VinferException("LayerNormalization " + name + " of shape " + Shapes.toString(s)
                        + " does not broadcast to X " + Shapes.toString(xShape));
            }
            double[] v = DoubleBuffers.readAll(t);
            if (t.size() == rowLen && isRowShape(s, xShape, axis)) {
                return new Affine(v, null);
            }
            return new Affine(v, Broadcast.indexMap(s, xShape));
        }

        /** True when {@code s}, leading ones dropped, equals {@code xShape[axis:]} (leading ones dropped too). */
        private static boolean isRowShape(int[] s, int[] xShape, int axis) {
            int i = 0;
            while (i < s.length && s[i] == 1) {
                i++;
            }
            int j = axis;
            while (j < xShape.length && xShape[j] == 1) {
                j++;
            }
            return Arrays.equals(Arrays.copyOfRange(s, i, s.length), Arrays.copyOfRange(xShape, j, xShape.length));
        }

        double at(int k, int inRow) {
            return indexMap == null ? values[inRow] : values[indexMap[k]];
        }
    }
}
