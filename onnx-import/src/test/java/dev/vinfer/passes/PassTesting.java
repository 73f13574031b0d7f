package dev.vinfer.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Optimizer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Helpers for pass tests: import a small model, run one pass or all, list ops, compare runs. */
final class PassTesting {
    private PassTesting() {
    }

    static final SessionOptions OPTIONS = new SessionOptions().threads(2);

    /** A fresh import (each call builds new values, so folding one graph cannot touch another). */
    static Graph load(ModelProto m) {
        return OnnxModel.fromBytes(m.toByteArray(), null).toGraph(OPTIONS);
    }

    static Graph load(GraphProto g, int opset) {
        return load(dev.vinfer.testdata.Models.model(g, opset));
    }

    /** The standard pass named {@code name}. */
    static GraphPass pass(String name) {
        for (GraphPass p : Optimizer.standard().passes()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no pass named " + name);
    }

    static Graph optimizeAll(Graph g) {
        return Optimizer.standard().optimize(g, OPTIONS);
    }

    static List<String> ops(Graph g) {
        List<String> ops = new ArrayList<>();
        for (Node n : g.nodes()) {
            ops.add(n.op().opType());
        }
        return ops;
    }

    static Map<String, Tensor> run(Graph g, Map<String, Tensor> feed) {
        try (Session s = new Session(g, OPTIONS)) {
            return s.run(feed);
        }
    }

    static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        Tensor t = Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, shape);
        for (int i = 0; i < t.size(); i++) {
            t.setFloat(i, r.nextFloat() * 2 - 1);
        }
        return t;
    }

    static dev.vinfer.onnx.proto.OnnxIr.TensorProto initializer(String name, Tensor t) {
        return TensorProtos.encode(t, name);
    }

    /**
     * Every output of {@code b} within {@code relTol} of {@code a}, relative to the largest |value| of the output
     * (fusions and folding reorder float operations; the bound is a few float ulps of the output scale).
     */
    static void assertSameOutputs(Map<String, Tensor> a, Map<String, Tensor> b, double relTol) {
        assertTrue(a.keySet().equals(b.keySet()), a.keySet() + " vs " + b.keySet());
        for (var e : a.entrySet()) {
            Tensor x = e.getValue();
            Tensor y = b.get(e.getKey());
            assertArrayEquals(x.shape(), y.shape(), "shape of " + e.getKey());
            double max = 0;
            for (int i = 0; i < x.size(); i++) {
                max = Math.max(max, Math.abs(x.getDouble(i)));
            }
            for (int i = 0; i < x.size(); i++) {
                double d = Math.abs(x.getDouble(i) - y.getDouble(i));
                assertTrue(d <= relTol * Math.max(max, 1e-30), e.getKey() + "[" + i + "]: " + x.getDouble(i)
                        + " vs " + y.getDouble(i) + " (tolerance " + relTol + " x " + max + ")");
            }
        }
    }
}
