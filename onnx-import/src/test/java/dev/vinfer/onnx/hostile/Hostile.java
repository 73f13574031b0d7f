package dev.vinfer.onnx.hostile;

import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import dev.vinfer.testdata.Models;
import java.util.Map;

/** Assertions for hostile inputs: only vinfer's own exceptions may come out, and they must say what is wrong. */
final class Hostile {
    private Hostile() {
    }

    /** Small limits so that a bomb that slipped past a check fails fast instead of filling the test JVM's heap. */
    static SessionOptions smallOptions() {
        Limits d = Limits.defaults();
        return new SessionOptions().threads(1).limits(d.withMaxMemoryBytes(256L << 20));
    }

    /** Runs {@code action}; it must throw a VinferException (else the test fails); returns it. */
    static VinferException rejects(Runnable action) {
        try {
            action.run();
        } catch (VinferException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected a VinferException, got " + t, t);
        }
        return fail("expected a VinferException, but it succeeded");
    }

    /** As {@link #rejects}, and the message must contain every one of {@code words}. */
    static VinferException rejects(Runnable action, String... words) {
        VinferException e = rejects(action);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "message should mention '" + w + "': " + e.getMessage());
        }
        return e;
    }

    /** Runs {@code action}; it may succeed or throw a VinferException, nothing else. */
    static void survives(Runnable action) {
        try {
            action.run();
        } catch (VinferException e) {
            // fine: a documented rejection
        } catch (Throwable t) {
            throw new AssertionError("only VinferException may escape, got " + t, t);
        }
    }

    static ModelProto model(GraphProto.Builder g) {
        return Models.model(g.build(), 17);
    }

    /** Opens the model with {@link #smallOptions()} and runs it once with {@code inputs}. */
    static Map<String, Tensor> openAndRun(ModelProto m, Map<String, Tensor> inputs) {
        return openAndRun(m, inputs, smallOptions());
    }

    static Map<String, Tensor> openAndRun(ModelProto m, Map<String, Tensor> inputs, SessionOptions options) {
        try (Session s = Vinfer.open(m.toByteArray(), options)) {
            return s.run(inputs);
        }
    }

    static ModelProto reluModel() {
        return model(GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 2, 3))
                .addOutput(tensorInfo("y", DType.FLOAT32, 2, 3))
                .addNode(node("Relu", new String[] {"x"}, new String[] {"y"})));
    }

    static TensorProto longs(String name, long... v) {
        return TensorProtos.encode(Tensor.of(v, v.length), name);
    }

    static TensorProto scalarLong(String name, long v) {
        return TensorProtos.encode(Tensor.scalar(v), name);
    }

    /** A one-node model whose op reads a shape-like input from an initializer; folded at open unless fed. */
    static GraphProto.Builder oneNode(String op, String[] inputs, TensorProto[] inits, DType outType,
            NodeProto.Builder extra) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1))
                .addOutput(tensorInfo("y", outType));
        for (TensorProto t : inits) {
            g.addInitializer(t);
        }
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_bomb").addOutput("y");
        for (String i : inputs) {
            n.addInput(i);
        }
        if (extra != null) {
            n.addAllAttribute(extra.getAttributeList());
        }
        return g.addNode(n);
    }

    static final Map<String, Tensor> ONE = Map.of("x", Tensor.of(new float[] {1}, 1));
}
