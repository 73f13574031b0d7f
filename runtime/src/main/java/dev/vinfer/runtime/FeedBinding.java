package dev.vinfer.runtime;

import java.util.List;
import java.util.Map;

/**
 * The caller's tensors of one {@link Session} run bound to the graph's inputs and outputs by name, each checked
 * against what the model declares (dtype, fixed dims); every problem an {@link InputException} naming the value.
 */
final class FeedBinding {
    private FeedBinding() {
    }

    /**
     * One tensor per graph input (null for inputs that are constants), from {@code given} by name.
     *
     * @throws InputException if an input is missing, unknown, or of another dtype or shape
     */
    static Tensor[] inputs(Graph graph, List<ValueInfo> inputInfo, Map<String, Tensor> given) {
        List<Value> ins = graph.inputs();
        Tensor[] feed = new Tensor[ins.size()];
        int used = 0;
        for (int i = 0; i < ins.size(); i++) {
            Value v = ins.get(i);
            if (v.isConstant()) {
                continue;
            }
            Tensor t = given.get(v.name());
            if (t == null) {
                throw new InputException("missing input '" + v.name() + "'; the model takes " + inputInfo);
            }
            used++;
            check("input", infoOf(v), t);
            feed[i] = t;
        }
        if (used != given.size()) {
            for (String k : given.keySet()) {
                boolean known = false;
                for (ValueInfo vi : inputInfo) {
                    known |= vi.name().equals(k);
                }
                if (!known) {
                    throw new InputException("unknown input '" + k + "'; the model takes " + inputInfo);
                }
            }
        }
        return feed;
    }

    /** That {@code t} has the dtype and every fixed dim of {@code info}; {@code role} is "input" or "output". */
    private static void check(String role, ValueInfo info, Tensor t) {
        if (info.dtype() != null && info.dtype() != t.dtype()) {
            throw new InputException(role + " '" + info.name() + "' must be " + info.dtype().displayName()
                    + " but is " + t.dtype().displayName());
        }
        long[] dims = info.dims();
        if (dims == null) {
            return;
        }
        boolean ok = dims.length == t.rank();
        for (int i = 0; ok && i < dims.length; i++) {
            ok = dims[i] < 0 || dims[i] == t.dim(i);
        }
        if (!ok) {
            throw new InputException(role + " '" + info.name() + "' must have shape " + info.shapeString()
                    + " but has " + Shapes.toString(t.shape()));
        }
    }

    /**
     * The caller's tensor for each graph output it names (null for the others).
     *
     * @throws InputException if an output is unknown, or its tensor of another dtype or shape
     */
    static Tensor[] outputs(Graph graph, List<ValueInfo> outputInfo, Map<String, Tensor> given) {
        List<Value> outs = graph.outputs();
        Tensor[] dest = new Tensor[outs.size()];
        int used = 0;
        for (int i = 0; i < outs.size(); i++) {
            Tensor t = given.get(outs.get(i).name());
            if (t != null) {
                used++;
                check("output", outputInfo.get(i), t);
                dest[i] = t;
            }
        }
        if (used != given.size()) {
            for (String k : given.keySet()) {
                boolean known = false;
                for (ValueInfo vi : outputInfo) {
                    known |= vi.name().equals(k);
                }
                if (!known) {
                    throw new InputException("unknown output '" + k + "'; the model computes " + outputInfo);
                }
            }
        }
        return dest;
    }

    /** What the graph declares about {@code v}, or a name with nothing declared. */
    static ValueInfo infoOf(Value v) {
        return v.info() != null ? v.info() : new ValueInfo(v.name(), null, null, null);
    }
}
