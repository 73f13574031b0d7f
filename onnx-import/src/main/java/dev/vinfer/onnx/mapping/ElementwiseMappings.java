package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OnnxNode;
import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.ops.activation.Activations;
import dev.vinfer.ops.activation.Activations.GeluApproximation;
import dev.vinfer.ops.activation.ClipOp;
import dev.vinfer.ops.activation.SoftmaxOp;
import dev.vinfer.ops.unary.FloatClassOp;
import dev.vinfer.ops.unary.MathOps;
import dev.vinfer.runtime.Operator;

/**
 * Element-wise math and activations, Clip, and Softmax / LogSoftmax / Hardmax.
 *
 * <p>Attribute defaults are the spec's. Legacy attributes of opset 1 ({@code consumed_inputs}) carry no meaning
 * for inference and are ignored. Dtypes are checked by the operators at run time.
 */
public final class ElementwiseMappings {
    private ElementwiseMappings() {
    }

    /** Selu defaults: the float32 values the spec lists. */
    private static final float SELU_ALPHA = 1.67326319217681884765625f;
    private static final float SELU_GAMMA = 1.05070102214813232421875f;

    public static void register(OpRegistry r) {
        registerMath(r);
        registerActivations(r);
        r.add("Clip", ElementwiseMappings::clip);
        r.add("Softmax", n -> softmaxFamily(n, SoftmaxOp.Kind.SOFTMAX));
        r.add("LogSoftmax", n -> softmaxFamily(n, SoftmaxOp.Kind.LOG_SOFTMAX));
        r.add("Hardmax", n -> softmaxFamily(n, SoftmaxOp.Kind.HARDMAX));
    }

    private static void registerMath(OpRegistry r) {
        r.add("Sqrt", n -> MathOps.sqrt());
        r.add("Exp", n -> MathOps.exp());
        r.add("Log", n -> MathOps.log());
        r.add("Abs", n -> MathOps.abs());
        r.add("Neg", n -> MathOps.neg());
        r.add("Reciprocal", n -> MathOps.reciprocal());
        r.add("Floor", n -> MathOps.floor());
        r.add("Ceil", n -> MathOps.ceil());
        r.add("Round", n -> MathOps.round());
        r.add("Sign", n -> MathOps.sign());
        r.add("Erf", n -> MathOps.erf());
        r.add("Sin", n -> MathOps.sin());
        r.add("Cos", n -> MathOps.cos());
        r.add("Tan", n -> MathOps.tan());
        r.add("Asin", n -> MathOps.asin());
        r.add("Acos", n -> MathOps.acos());
        r.add("Atan", n -> MathOps.atan());
        r.add("Sinh", n -> MathOps.sinh());
        r.add("Cosh", n -> MathOps.cosh());
        r.add("Asinh", n -> MathOps.asinh());
        r.add("Acosh", n -> MathOps.acosh());
        r.add("Atanh", n -> MathOps.atanh());
        r.add("IsNaN", n -> FloatClassOp.isNaN());
        r.add("IsInf", n -> FloatClassOp.isInf(n.getInt("detect_positive", 1) != 0,
                n.getInt("detect_negative", 1) != 0));
    }

    private static void registerActivations(OpRegistry r) {
        r.add("Relu", n -> Activations.relu());
        r.add("LeakyRelu", n -> Activations.leakyRelu(n.getFloat("alpha", 0.01f)));
        r.add("ThresholdedRelu", n -> Activations.thresholdedRelu(n.getFloat("alpha", 1f)));
        r.add("Elu", n -> Activations.elu(n.getFloat("alpha", 1f)));
        r.add("Selu", n -> Activations.selu(n.getFloat("alpha", SELU_ALPHA), n.getFloat("gamma", SELU_GAMMA)));
        r.add("Celu", n -> {
            float alpha = n.getFloat("alpha", 1f);
            if (alpha == 0) {
                throw n.error("Celu alpha must not be 0");
            }
            return Activations.celu(alpha);
        });
        r.add("Sigmoid", n -> Activations.sigmoid());
        r.add("HardSigmoid", n -> Activations.hardSigmoid(n.getFloat("alpha", 0.2f), n.getFloat("beta", 0.5f)));
        r.add("HardSwish", n -> Activations.hardSwish());
        r.add("Tanh", n -> Activations.tanh());
        r.add("Softplus", n -> Activations.softplus());
        r.add("Softsign", n -> Activations.softsign());
        r.add("Mish", n -> Activations.mish());
        r.add("Gelu", n -> {
            String approximate = n.getString("approximate", "none");
            return switch (approximate) {
                case "none" -> Activations.gelu(GeluApproximation.NONE);
                case "tanh" -> Activations.gelu(GeluApproximation.TANH);
                default -> throw n.error("Gelu approximate must be 'none' or 'tanh', got '" + approximate + "'");
            };
        });
    }

    /**
     * Clip: before opset 11 the bounds are float attributes; opset 6 gives them the defaults -FLT_MAX / FLT_MAX
     * (so an infinite input becomes finite, as the reference implementation does), opset 1 none (unbounded). From
     * opset 11 they are optional scalar inputs, read at run time; a missing one means no bound, as in the ONNX
     * reference implementation the test data comes from.
     */
    private static Operator clip(OnnxNode n) {
        if (n.opset() < 11) {
            float limit = n.opset() >= 6 ? Float.MAX_VALUE : Float.POSITIVE_INFINITY;
            return ClipOp.withBounds(n.getFloat("min", -limit), n.getFloat("max", limit));
        }
        if (n.inputCount() > 3) {
            throw n.error("Clip takes at most 3 inputs, got " + n.inputCount());
        }
        return ClipOp.boundsFromInputs();
    }

    /**
     * Before opset 13 these ops coerce the input to 2-D at {@code axis} (default 1) and work on each row of the
     * flattened trailing dims; from 13 they work along the single axis {@code axis} (default -1).
     */
    private static Operator softmaxFamily(OnnxNode n, SoftmaxOp.Kind kind) {
        if (n.opset() < 13) {
            return new SoftmaxOp(kind, n.getInt("axis", 1), true);
        }
        return new SoftmaxOp(kind, n.getInt("axis", -1), false);
    }
}
