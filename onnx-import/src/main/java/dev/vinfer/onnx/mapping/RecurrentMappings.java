package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OnnxNode;
import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.ops.rnn.Direction;
import dev.vinfer.ops.rnn.GruOp;
import dev.vinfer.ops.rnn.LstmOp;
import dev.vinfer.ops.rnn.RecurrentConfig;
import dev.vinfer.ops.rnn.RnnOp;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.VinferException;

/**
 * The recurrent layers RNN, GRU and LSTM (opsets 1-22). Opset 1's {@code output_sequence} only said whether Y is
 * wanted, which the graph already tells; {@code layout} exists from opset 14; GRU's {@code linear_before_reset}
 * from opset 3.
 */
public final class RecurrentMappings {
    private RecurrentMappings() {
    }

    public static void register(OpRegistry r) {
        r.add("RNN", n -> map(n, 2, new String[] {"Tanh"},
                c -> new RnnOp(c, wanted(n, 2), n.constantInput(1), n.constantInput(2))));
        r.add("GRU", n -> map(n, 2, new String[] {"Sigmoid", "Tanh"},
                c -> new GruOp(c, n.getInt("linear_before_reset", 0) != 0, wanted(n, 2), n.constantInput(1),
                        n.constantInput(2))));
        r.add("LSTM", n -> map(n, 3, new String[] {"Sigmoid", "Tanh", "Tanh"},
                c -> new LstmOp(c, n.getInt("input_forget", 0) != 0, wanted(n, 3), n.constantInput(1),
                        n.constantInput(2))));
    }

    private interface Factory {
        Operator make(RecurrentConfig config);
    }

    private static Operator map(OnnxNode n, int outputs, String[] defaultActivations, Factory factory) {
        if (n.outputCount() > outputs) {
            throw n.error("has " + n.outputCount() + " outputs; " + n.opType() + " has at most " + outputs);
        }
        long layout = n.getInt("layout", 0);
        if (layout != 0 && n.opset() < 14) {
            throw n.error("attribute layout exists from opset 14; this model imports opset " + n.opset());
        }
        if (layout != 0 && layout != 1) {
            throw n.error("layout must be 0 or 1, got " + layout);
        }
        long hidden = n.getInt("hidden_size", -1);
        if (n.has("hidden_size") && (hidden < 1 || hidden > Integer.MAX_VALUE)) {
            throw n.error("hidden_size must be positive, got " + hidden);
        }
        float clip = n.has("clip") ? n.getFloat("clip", 0f) : Float.POSITIVE_INFINITY;
        try {
            Direction direction = Direction.of(n.getString("direction", "forward"));
            RecurrentConfig config = new RecurrentConfig(direction, (int) hidden, layout == 1, clip,
                    RecurrentConfig.resolveActivations(n.getStrings("activations", null),
                            n.getFloats("activation_alpha", null), n.getFloats("activation_beta", null), direction,
                            defaultActivations));
            return factory.make(config);
        } catch (VinferException e) {
            throw n.error(e.getMessage());
        }
    }

    /** Which outputs (Y, Y_h[, Y_c]) the node names; the others need not be computed. */
    private static boolean[] wanted(OnnxNode n, int outputs) {
        boolean[] w = new boolean[outputs];
        for (int i = 0; i < outputs; i++) {
            w[i] = n.hasOutput(i);
        }
        return w;
    }
}
