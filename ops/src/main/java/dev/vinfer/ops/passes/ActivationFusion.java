package dev.vinfer.ops.passes;

import dev.vinfer.conv.Epilogue;
import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.gemm.GemmOp;
import dev.vinfer.ops.gemm.MatMulOp;
import dev.vinfer.ops.nn.norm.BatchNormalizationOp;
import dev.vinfer.ops.nn.norm.InstanceNormalizationOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;

/**
 * Fuses an activation that {@link Epilogue} can express (Relu, LeakyRelu, Clip with constant bounds, which
 * includes Relu6) into the Conv, Gemm or MatMul producing its input, so the output is written once; and a Relu
 * into an InstanceNormalization. Fires when that
 * op has no activation yet and its output is read only by the activation. MatMul qualifies only with a constant
 * float32 B (then A is float32 too), the one form whose dtype is known before run time.
 */
public final class ActivationFusion implements GraphPass {

    @Override
    public String name() {
        return "activation-fusion";
    }

    @Override
    public int order() {
        return 50;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        GraphIndex index = new GraphIndex(g);
        Rewrite rw = new Rewrite(g);
        for (Node act : g.nodes()) {
            if (act.inputCount() < 1 || act.output(0) == null || !index.fusible(act.input(0))) {
                continue;
            }
            Node p = index.producer(act.input(0));
            if (p == null || p.outputCount() != 1) {
                continue;
            }
            Operator fused = null;
            if (p.op() instanceof ConvOp c && c.epilogue().isIdentity()) {
                Epilogue e = epilogueOf(act, options);
                fused = e == null ? null : c.withEpilogue(e);
            } else if (p.op() instanceof GemmOp gm && gm.epilogue().isIdentity()) {
                Epilogue e = epilogueOf(act, options);
                fused = e == null ? null : gm.withEpilogue(e);
            } else if (p.op() instanceof MatMulOp mm && mm.epilogue().isIdentity() && mm.constantB() != null
                    && mm.constantB().dtype() == DType.FLOAT32 && p.input(1) != null
                    && p.input(1).constant() == mm.constantB()) {
                Epilogue e = epilogueOf(act, options);
                fused = e == null ? null : mm.withEpilogue(e);
            } else if (p.op() instanceof BatchNormalizationOp bn && bn.canFuseRelu()
                    && epilogueOf(act, options) == Epilogue.RELU) {
                fused = bn.withRelu(); // pre-activation nets (DenseNet): BatchNorm -> Relu -> Conv in each layer
            } else if (p.op() instanceof InstanceNormalizationOp in && !in.relu()
                    && epilogueOf(act, options) == Epilogue.RELU) {
                fused = in.withRelu(); // style-transfer nets: InstanceNorm -> Relu after most convs
            }
            if (fused != null) {
                rw.replace(p, p.with(fused, p.inputs(), new Value[] {act.output(0)}));
                rw.remove(act);
            }
        }
        return rw.build();
    }

    /** The epilogue equal to {@code act} on float32, or null if it has none. */
    static Epilogue epilogueOf(Node act, SessionOptions options) {
        if (act.outputCount() != 1) {
            return null;
        }
        switch (act.op().opType()) {
            case "Relu" -> {
                return act.inputCount() == 1 ? Epilogue.RELU : null;
            }
            case "Tanh" -> {
                // LeNet-5 after each convolution and Gemm: one pass in cache instead of a node of its own
                return act.inputCount() == 1 ? Epilogue.TANH : null;
            }
            case "LeakyRelu" -> {
                if (act.inputCount() != 1) {
                    return null;
                }
                Tensor[] y = Probe.run(act.op(), options, Tensor.of(new float[] {-1f, 2f, 0f}, 3));
                if (y == null || y[0].dtype() != DType.FLOAT32 || y[0].getFloat(1) != 2f || y[0].getFloat(2) != 0f) {
                    return null;
                }
                float alpha = -y[0].getFloat(0);
                return Float.isFinite(alpha) ? Epilogue.leakyRelu(alpha) : null;
            }
            case "Clip" -> {
                Tensor[] in = new Tensor[act.inputCount()];
                in[0] = Tensor.of(new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, 2);
                for (int i = 1; i < in.length; i++) {
                    Value v = act.input(i);
                    if (v != null && !v.isConstant()) {
                        return null; // bounds computed at run time
                    }
                    in[i] = v == null ? null : v.constant();
                }
                Tensor[] y = Probe.run(act.op(), options, in);
                if (y == null || y[0].dtype() != DType.FLOAT32) {
                    return null;
                }
                float lo = y[0].getFloat(0);
                float hi = y[0].getFloat(1);
                return lo <= hi && !Float.isNaN(lo) && !Float.isNaN(hi) ? Epilogue.clip(lo, hi) : null;
            }
            default -> {
                return null;
            }
        }
    }
}
