package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.passes.ShapeRules.Known;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Value;
import java.util.Map;

/**
 * Marks each Conv with constant weights whose input (and fused residual) shapes static shape inference knows
 * ({@link ConvOp#withStaticInput()}): every run then feeds it the shape it is prepared for, so after preparing, the
 * session can release the raw weights and keep only the packed ones. Runs last, after the fusions, and only when
 * some graph input has a declared static shape.
 */
public final class StaticConvInputs implements GraphPass {

    @Override
    public String name() {
        return "static-conv-inputs";
    }

    @Override
    public int order() {
        return 900;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        if (!worthInferring(g)) {
            return g;
        }
        Map<Value, Known> known = StaticShapes.infer(g, options);
        Rewrite rw = new Rewrite(g);
        for (Node n : g.nodes()) {
            if (n.op() instanceof ConvOp c && !c.hasStaticInput() && c.constantWeights() != null
                    && n.inputCount() > 1 && n.input(1) != null && n.input(1).constant() == c.constantWeights()
                    && known.containsKey(n.input(0))
                    && (!c.hasResidual() || (n.inputCount() > ConvOp.RESIDUAL_INPUT
                            && known.containsKey(n.input(ConvOp.RESIDUAL_INPUT))))) {
                rw.replace(n, n.withOp(c.withStaticInput()));
            }
        }
        return rw.build();
    }

    private static boolean worthInferring(Graph g) {
        boolean conv = false;
        for (Node n : g.nodes()) {
            conv |= n.op() instanceof ConvOp c && c.constantWeights() != null && !c.hasStaticInput();
        }
        if (!conv) {
            return false;
        }
        for (Value v : g.inputs()) {
            if (!v.isConstant() && v.info() != null && v.info().isStatic()) {
                return true;
            }
        }
        return false;
    }
}
