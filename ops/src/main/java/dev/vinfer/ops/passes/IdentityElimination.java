package dev.vinfer.ops.passes;

import dev.vinfer.ops.shape.DropoutOp;
import dev.vinfer.ops.tensor.IdentityOp;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Value;

/**
 * Removes Identity nodes and inference-mode Dropout (no training_mode input, or a constant false one; the mask
 * output unused): their readers read the input instead. When the removed node's output is a graph output, the node
 * producing its input writes the graph output directly instead (if that input is itself an intermediate value);
 * an Identity from a graph input or constant straight to an output stays.
 */
public final class IdentityElimination implements GraphPass {

    @Override
    public String name() {
        return "identity-elimination";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        GraphIndex index = new GraphIndex(g);
        Rewrite rw = new Rewrite(g);
        java.util.Map<Node, Node> retargeted = new java.util.HashMap<>();
        java.util.Map<Value, Value> bypassed = new java.util.HashMap<>();
        for (Node n : g.nodes()) {
            if (!isPassThrough(n, index)) {
                continue;
            }
            Value in = n.input(0);
            while (bypassed.containsKey(in)) {
                in = bypassed.get(in); // an earlier pass-through in a chain, already removed
            }
            Value out = n.output(0);
            if (out == null) {
                rw.remove(n);
            } else if (!index.isGraphOutput(out)) {
                rw.redirect(out, in);
                bypassed.put(out, in);
                rw.remove(n);
            } else {
                Node p = index.producer(in);
                if (p != null && !index.isGraphOutput(in) && !retargeted.containsKey(p)) {
                    // The producer writes the graph output itself; every other reader of `in` follows.
                    Value[] outs = p.outputs();
                    for (int i = 0; i < outs.length; i++) {
                        if (outs[i] == in) {
                            outs[i] = out;
                        }
                    }
                    Node q = p.with(p.op(), p.inputs(), outs);
                    retargeted.put(p, q);
                    rw.replace(p, q);
                    rw.redirect(in, out);
                    rw.remove(n);
                }
            }
        }
        return rw.build();
    }

    /** Whether {@code n} passes input 0 through unchanged as its only wanted output. */
    static boolean isPassThrough(Node n, GraphIndex index) {
        if (n.inputCount() < 1 || n.input(0) == null) {
            return false;
        }
        if (n.op() instanceof IdentityOp) {
            return n.op().opType().equals("Identity") || n.op().opType().equals("Dropout");
        }
        if (n.op() instanceof DropoutOp) {
            for (int o = 1; o < n.outputCount(); o++) {
                if (!index.unused(n.output(o))) {
                    return false; // the mask is wanted
                }
            }
            if (n.inputCount() > 2 && n.input(2) != null) {
                Value training = n.input(2);
                return training.isConstant() && training.constant().size() == 1 && !training.constant().getBool(0);
            }
            return true;
        }
        return false;
    }
}
