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

    /**
     * An optional float32 loop over a whole tensor, for the activations that stand alone in real models (a ReLU
     * after a normalization that cannot fuse into a conv): one call per tensor keeps the loop monomorphic, so the
     * JIT inlines and vectorizes it, where the shared per-element loop below calls the function through a
     * megamorphic site. It must give {@code (float) floatFunction((double) x)} for every x, equal as floats (NaN
     * for NaN; the sign of a zero may differ), unless the op documents otherwise (Tanh's loop is a rational
     * function within one float ulp of the exact tanh).
     */
    @FunctionalInterface
    public interface FloatArrayFunction {
        void apply(float[] in, int inOff, float[] out, int outOff, int n);
    }

    /** Which integer dtypes an op accepts. */
    public enum Integers { NONE, SIGNED, ALL }

    private final String opType;
    private final DoubleUnaryOperator floatFunction;
    private final IntegerFunction integerFunction;
    private final Integers integers;
    private final FloatArrayFunction floatArrayFunction;

    /** An op defined on floating-point dtypes only. */
    public UnaryOp(String opType, DoubleUnaryOperator floatFunction) {
        this(opType, floatFunction, Integers.NONE, null);
    }

    public UnaryOp(String opType, DoubleUnaryOperator floatFunction, Integers integers,
            IntegerFunction integerFunction) {
        this(opType, floatFunction, integers, integerFunction, null);
    }

    /** As above, with a whole-tensor float32 loop equal to {@code floatFunction} (see {@link FloatArrayFunction}). */
    public UnaryOp(String opType, DoubleUnaryOperator floatFunction, Integers integers,
            IntegerFunction integerFunction, FloatArrayFunction floatArrayFunction) {
        if ((integers == Integers.NONE) != (integerFunction == null)) {
            throw new IllegalArgumentException("integer function must be given exactly when integers are accepted");
        }
        this.opType = opType;
        this.floatFunction = floatFunction;
        this.integers = integers;
        this.integerFunction = integerFunction;
        this.floatArrayFunction = floatArrayFunction;
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
        if (t == DType.FLOAT32 && floatArrayFunction != null) {
            float[] in = x.floats();
            float[] out = y.floats();
            int io = x.offset();
            int oo = y.offset();
            // chunks of at least 64 K elements per thread: below that a second thread costs more than it saves
            ctx.parallel().forRange(n, 1 << 16, (from, to) -> floatArrayFunction.apply(in, io + from, out, oo + from,
                    to - from));
        } else if (t == DType.FLOAT32) {
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
        return ctx.result(y);
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
