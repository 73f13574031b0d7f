package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.ops.control.IfOp;
import dev.vinfer.ops.tensor.IdentityOp;

/** Identity, Dropout (inference: identity) and If. */
public final class ControlFlowMappings {
    private ControlFlowMappings() {
    }

    public static void register(OpRegistry r) {
        r.add("Identity", n -> new IdentityOp("Identity"));
        r.add("If", n -> {
            if (n.getGraph("then_branch") == null || n.getGraph("else_branch") == null) {
                throw n.error("If needs then_branch and else_branch graphs");
            }
            for (String b : new String[] {"then_branch", "else_branch"}) {
                // Branch inputs are only the outer values the importer captured: ONNX If bodies declare none.
                if (n.getGraph(b).inputs().size() != n.capturedInputCount()) {
                    throw n.error(b + " declares inputs of its own; If branches take none");
                }
            }
            return new IfOp(n.getGraph("then_branch"), n.getGraph("else_branch"));
        });
    }
}
