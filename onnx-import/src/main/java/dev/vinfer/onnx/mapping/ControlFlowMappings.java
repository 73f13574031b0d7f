package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.ops.control.IfOp;
import dev.vinfer.ops.control.LoopOp;
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
        r.add("Loop", n -> {
            var body = n.getGraph("body");
            if (body == null) {
                throw n.error("Loop needs a body graph");
            }
            int carried = n.inputCount() - 2;
            if (carried < 0) {
                throw n.error("Loop needs inputs M and cond (either may be empty)");
            }
            // Body inputs: iteration number, condition, the carried values, then the captured outer values.
            if (body.inputs().size() != 2 + carried + n.capturedInputCount()) {
                throw n.error("Loop body takes " + body.inputs().size() + " inputs, expected " + (2 + carried));
            }
            return new LoopOp(body, carried, n.limits().maxLoopIterations());
        });
    }
}
