package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OnnxNode;
import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.ops.detect.NonMaxSuppressionOp;
import dev.vinfer.ops.linalg.EinsumEquation;
import dev.vinfer.ops.linalg.EinsumOp;
import dev.vinfer.ops.reduce.ArgExtremumOp;
import dev.vinfer.ops.reduce.ReduceOp;
import dev.vinfer.ops.reduce.TopKOp;

/**
 * ONNX mappings of the reductions (Reduce*, ArgMax/ArgMin, TopK), NonMaxSuppression and Einsum; see
 * {@link OpRegistry#standard()}.
 */
public final class TensorMappings {
    private TensorMappings() {
    }

    public static void register(OpRegistry r) {
        for (ReduceOp.Kind kind : ReduceOp.Kind.values()) {
            r.add(kind.opType(), n -> reduce(n, kind));
        }
        r.add("ArgMax", n -> argExtremum(n, true));
        r.add("ArgMin", n -> argExtremum(n, false));
        r.add("TopK", TensorMappings::topK);
        r.add("NonMaxSuppression", n -> {
            long format = n.getInt("center_point_box", 0);
            if (format != 0 && format != 1) {
                throw n.error("center_point_box must be 0 or 1, got " + format);
            }
            return new NonMaxSuppressionOp(format == 1);
        });
        r.add("Einsum", n -> {
            String eq = n.getString("equation", null);
            if (eq == null) {
                throw n.error("Einsum needs an equation");
            }
            EinsumEquation parsed;
            try {
                parsed = EinsumEquation.parse(eq);
            } catch (IllegalArgumentException e) {
                throw n.error(e.getMessage());
            }
            if (parsed.inputs().size() != n.inputCount()) {
                throw n.error("equation '" + eq + "' has " + parsed.inputs().size() + " operands but the node has "
                        + n.inputCount() + " inputs");
            }
            return new EinsumOp(parsed);
        });
    }

    /**
     * Axes are an attribute before opset 13 (ReduceSum) or 18 (the others) and an optional input from then on,
     * where noop_with_empty_axes also appeared.
     */
    private static ReduceOp reduce(OnnxNode n, ReduceOp.Kind kind) {
        int axesInputFrom = kind == ReduceOp.Kind.SUM ? 13 : 18;
        boolean keepDims = n.getInt("keepdims", 1) != 0;
        if (n.opset() < axesInputFrom) {
            return new ReduceOp(kind, n.getInts("axes", new long[0]), keepDims, false);
        }
        return new ReduceOp(kind, null, keepDims, n.getInt("noop_with_empty_axes", 0) != 0);
    }

    private static ArgExtremumOp argExtremum(OnnxNode n, boolean max) {
        return new ArgExtremumOp(max, n.getInt("axis", 0), n.getInt("keepdims", 1) != 0,
                n.getInt("select_last_index", 0) != 0);
    }

    /** k is an attribute before opset 10, input 1 from then; largest and sorted came in opset 11. */
    private static TopKOp topK(OnnxNode n) {
        long k = -1;
        if (n.opset() < 10) {
            if (!n.has("k")) {
                throw n.error("TopK before opset 10 needs the attribute k");
            }
            k = n.getInt("k", 0);
            if (k < 0) {
                throw n.error("TopK k must not be negative, got " + k);
            }
        } else if (!n.hasInput(1)) {
            throw n.error("TopK needs the input K");
        }
        // sorted=0 allows any order, so the op always sorts and ignores the attribute.
        return new TopKOp(k, n.getInt("axis", -1), n.getInt("largest", 1) != 0);
    }
}
