package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Value;
import java.util.HashSet;
import java.util.Set;

/**
 * Marks each Conv with constant weights whose input (and fused residual) shapes are fixed before run time
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
        Set<Value> fixed = fixedShapes(g);
        Rewrite rw = new Rewrite(g);
        for (Node n : g.nodes()) {
            if (n.op() instanceof ConvOp c && !c.hasStaticInput() && c.constantWeights() != null
                    && n.inputCount() > 1 && n.input(1) != null && n.input(1).constant() == c.constantWeights()
                    && fixed.contains(n.input(0))
                    && (!c.hasResidual() || (n.inputCount() > ConvOp.RESIDUAL_INPUT
                            && fixed.contains(n.input(ConvOp.RESIDUAL_INPUT))))) {
                rw.replace(n, n.withOp(c.withStaticInput()));
            }
        }
        return rw.build();
    }

    /**
     * Values whose shapes are fixed before run time: constants, graph inputs with declared static shapes, and what
     * {@link ShapeRules#staticOutputs} derives from them, in graph order (no shape is computed, so this costs no op
     * evaluation at open).
     */
    private static Set<Value> fixedShapes(Graph g) {
        Set<Value> fixed = new HashSet<>();
        for (Value v : g.values()) {
            if (v.isConstant()) {
                fixed.add(v);
            }
        }
        for (Value v : g.inputs()) {
            if (!v.isConstant() && v.info() != null && v.info().isStatic() && v.info().dtype() != null) {
                fixed.add(v);
            }
        }
        for (Node n : g.nodes()) {
            if (ShapeRules.staticOutputs(n, fixed::contains)) {
                for (int o = 0; o < n.outputCount(); o++) {
                    if (n.output(o) != null) {
                        fixed.add(n.output(o));
                    }
                }
            }
        }
        return fixed;
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
