package dev.vinfer.ops.activation;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * Softmax, LogSoftmax and Hardmax over one group of elements at a time.
 *
 * <p>A group is either the single axis {@code axis} (opset 13 on) or, when {@code flattenTrailing} is set (older
 * opsets, which coerce the input to 2-D at {@code axis}), all axes from {@code axis} to the end taken together.
 * The input is viewed as [outer, groupLength, inner] and each of the outer * inner groups is reduced with stride
 * inner. Softmax subtracts the group maximum before exponentiating so large inputs cannot overflow.
 */
public final class SoftmaxOp implements Operator {

    public enum Kind { SOFTMAX, LOG_SOFTMAX, HARDMAX }

    private final Kind kind;
    private final long axis;
    private final boolean flattenTrailing;

    /**
     * @param axis the (possibly negative) axis the groups start at
     * @param flattenTrailing true to treat all axes from {@code axis} on as one group (the pre-opset-13 form)
     */
    public SoftmaxOp(Kind kind, long axis, boolean flattenTrailing) {
        this.kind = kind;
        this.axis = axis;
        this.flattenTrailing = flattenTrailing;
    }

    @Override
    public String opType() {
        return switch (kind) {
            case SOFTMAX -> "Softmax";
            case LOG_SOFTMAX -> "LogSoftmax";
            case HARDMAX -> "Hardmax";
        };
    }

    @Override
    public String describe() {
        return "axis " + axis + (flattenTrailing ? " and all after it" : "");
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        DType t = x.dtype();
        if (!t.isFloatingPoint()) {
            throw new VinferException(opType() + " takes a floating-point tensor, not " + t.displayName());
        }
        int[] shape = x.shape();
        int rank = shape.length;
        if (rank == 0 && !flattenTrailing) {
            throw new VinferException(opType() + " needs an input of rank 1 or more");
        }
        // The 2-D coercion also accepts axis == rank (a group of one element), which the old spec's formula allows.
        int a = flattenTrailing && (axis == rank) ? rank : Shapes.axis(axis, rank);
        int outer = product(shape, 0, a);
        int group = flattenTrailing ? product(shape, a, rank) : shape[a];
        int inner = flattenTrailing ? 1 : product(shape, a + 1, rank);
        Tensor y = ctx.output(0, t, shape);
        if (x.size() == 0) {
            return ctx.result(y);
        }
        if (t == DType.FLOAT32) {
            runFloats(x, y, outer, group, inner);
        } else {
            runGeneric(x, y, outer, group, inner);
        }
        return ctx.result(y);
    }

    private static int product(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }

    private void runFloats(Tensor x, Tensor y, int outer, int group, int inner) {
        float[] in = x.floats();
        float[] out = y.floats();
        int io = x.offset();
        int oo = y.offset();
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * group * inner + j;
                float max = Float.NEGATIVE_INFINITY;
                int argmax = 0;
                for (int k = 0; k < group; k++) {
                    float v = in[io + base + k * inner];
                    if (v > max) {
                        max = v;
                        argmax = k;
                    }
                }
                if (kind == Kind.HARDMAX) {
                    argmax = firstNaN(x, base, group, inner, argmax);
                }
                switch (kind) {
                    case HARDMAX -> {
                        for (int k = 0; k < group; k++) {
                            out[oo + base + k * inner] = k == argmax ? 1f : 0f;
                        }
                    }
                    case SOFTMAX -> {
                        double sum = 0;
                        for (int k = 0; k < group; k++) {
                            float e = (float) Math.exp(in[io + base + k * inner] - max);
                            out[oo + base + k * inner] = e;
                            sum += e;
                        }
                        double scale = 1 / sum;
                        for (int k = 0; k < group; k++) {
                            out[oo + base + k * inner] = (float) (out[oo + base + k * inner] * scale);
                        }
                    }
                    case LOG_SOFTMAX -> {
                        double sum = 0;
                        for (int k = 0; k < group; k++) {
                            sum += Math.exp(in[io + base + k * inner] - max);
                        }
                        double shift = max + Math.log(sum);
                        for (int k = 0; k < group; k++) {
                            out[oo + base + k * inner] = (float) (in[io + base + k * inner] - shift);
                        }
                    }
                }
            }
        }
    }

    /** Hardmax follows numpy's argmax, as the ONNX reference does: a NaN is the maximum, its first occurrence wins. */
    private static int firstNaN(Tensor x, int base, int group, int inner, int argmax) {
        for (int k = 0; k < group; k++) {
            if (Double.isNaN(x.getDouble(base + k * inner))) {
                return k;
            }
        }
        return argmax;
    }

    /** float64 (and any other floating type the runtime may add) through the double accessors. */
    private void runGeneric(Tensor x, Tensor y, int outer, int group, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * group * inner + j;
                double max = Double.NEGATIVE_INFINITY;
                int argmax = 0;
                for (int k = 0; k < group; k++) {
                    double v = x.getDouble(base + k * inner);
                    if (v > max) {
                        max = v;
                        argmax = k;
                    }
                }
                if (kind == Kind.HARDMAX) {
                    argmax = firstNaN(x, base, group, inner, argmax);
                }
                double sum = 0;
                if (kind != Kind.HARDMAX) {
                    for (int k = 0; k < group; k++) {
                        sum += Math.exp(x.getDouble(base + k * inner) - max);
                    }
                }
                double logSum = Math.log(sum);
                for (int k = 0; k < group; k++) {
                    int i = base + k * inner;
                    double v = x.getDouble(i);
                    y.setDouble(i, switch (kind) {
                        case HARDMAX -> k == argmax ? 1 : 0;
                        case SOFTMAX -> Math.exp(v - max) / sum;
                        case LOG_SOFTMAX -> v - max - logSum;
                    });
                }
            }
        }
    }
}
