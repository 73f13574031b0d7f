package dev.vinfer.ops.unary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.function.DoubleUnaryOperator;

/**
 * An element-wise op with one input and one output of the same dtype and shape.
 *
 * <p>Floating-point inputs go through one {@code double -> double} function: float32 elements are widened,
 * computed and rounded back, which is at least as accurate as a float computation and keeps one definition per
 * op. Ops the spec also defines on integers (Abs, Neg, Sign, Relu) add an {@link IntegerFunction}.
 */
public final class UnaryOp implements Operator {

    /** Integer semantics of an op; {@code unsigned} tells how to read {@code x} (uint64 values keep their bits). */
    @FunctionalInterface
    public interface IntegerFunction {
        long apply(long x, boolean unsigned);
    }

    /** Which integer dtypes an op accepts. */
    public enum Integers { NONE, SIGNED, ALL }

    private final String opType;
    private final DoubleUnaryOperator floatFunction;
    private final IntegerFunction integerFunction;
    private final Integers integers;

    /** An op defined on floating-point dtypes only. */
    public UnaryOp(String opType, DoubleUnaryOperator floatFunction) {
        this(opType, floatFunction, Integers.NONE, null);
    }

    public UnaryOp(String opType, DoubleUnaryOperator floatFunction, Integers integers,
            IntegerFunction integerFunction) {
        if ((integers == Integers.NONE) != (integerFunction == null)) {
            throw new IllegalArgumentException("integer function must be given exactly when integers are accepted");
        }
        this.opType = opType;
        this.floatFunction = floatFunction;
        this.integers = integers;
        this.integerFunction = integerFunction;
    }

    @Override
    public String opType() {
        return opType;
    }

    /** The function applied to floating-point elements (for tests and fusion). */
    public DoubleUnaryOperator floatFunction() {
        return floatFunction;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        DType t = x.dtype();
        if (!accepts(t)) {
            throw new VinferException(opType + " does not support " + t.displayName() + " tensors");
        }
        Tensor y = ctx.output(0, t, x.shape());
        int n = x.size();
        DoubleUnaryOperator f = floatFunction;
        if (t == DType.FLOAT32) {
            float[] in = x.floats();
            float[] out = y.floats();
            int io = x.offset();
            int oo = y.offset();
            for (int i = 0; i < n; i++) {
                out[oo + i] = (float) f.applyAsDouble(in[io + i]);
            }
        } else if (t == DType.FLOAT64) {
            double[] in = x.doubles();
            double[] out = y.doubles();
            int io = x.offset();
            int oo = y.offset();
            for (int i = 0; i < n; i++) {
                out[oo + i] = f.applyAsDouble(in[io + i]);
            }
        } else {
            boolean unsigned = !t.isSignedInteger();
            for (int i = 0; i < n; i++) {
                y.setLong(i, integerFunction.apply(x.getLong(i), unsigned));
            }
        }
        return new Tensor[] {y};
    }

    private boolean accepts(DType t) {
        if (t.isFloatingPoint()) {
            return true;
        }
        return switch (integers) {
            case NONE -> false;
            case SIGNED -> t.isSignedInteger();
            case ALL -> t.isInteger();
        };
    }
}
