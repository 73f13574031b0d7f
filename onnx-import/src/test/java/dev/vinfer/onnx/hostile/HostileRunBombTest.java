package dev.vinfer.onnx.hostile;

import static dev.vinfer.onnx.hostile.Hostile.ONE;
import static dev.vinfer.onnx.hostile.Hostile.longs;
import static dev.vinfer.onnx.hostile.Hostile.model;
import static dev.vinfer.onnx.hostile.Hostile.oneNode;
import static dev.vinfer.onnx.hostile.Hostile.openAndRun;
import static dev.vinfer.onnx.hostile.Hostile.rejects;
import static dev.vinfer.onnx.hostile.Hostile.scalarLong;
import static dev.vinfer.onnx.hostile.Hostile.smallOptions;
import static dev.vinfer.testdata.Models.graphAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.ExecutionException;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Allocation bombs at run time (shapes computed from data): refused by the limits, naming the node, before
 * the allocation.
 */
class HostileRunBombTest {

    // ---- allocation bombs at run time (shape computed from data) ----

    @Test
    void constantOfShapeBombs() {
        GraphProto.Builder folded = GraphProto.newBuilder().setName("g").addInitializer(longs("s", 1_000_000,
                1_000_000)).addOutput(tensorInfo("y", DType.FLOAT32))
                .addNode(node("ConstantOfShape", new String[] {"s"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(folded), Map.of()), "ConstantOfShape");
        // Fed at run time: the shape arrives as data.
        GraphProto.Builder fed = GraphProto.newBuilder().setName("g").addInput(tensorInfo("s", DType.INT64, 2))
                .addOutput(tensorInfo("y", DType.FLOAT32))
                .addNode(node("ConstantOfShape", new String[] {"s"}, new String[] {"y"}));
        ExecutionException e = assertInstanceOf(ExecutionException.class, rejects(() -> openAndRun(model(fed),
                Map.of("s", Tensor.of(new long[] {1L << 20, 1L << 20}, 2))), "ConstantOfShape"));
        assertTrue(e.getMessage().contains("elements"), e.getMessage());
        // Within the element limit (2^28) but over the 256 MiB budget: the budget stops it before allocating.
        rejects(() -> openAndRun(model(fed), Map.of("s", Tensor.of(new long[] {1L << 14, 1L << 14}, 2))),
                "maxMemoryBytes");
        rejects(() -> openAndRun(model(fed), Map.of("s", Tensor.of(new long[] {-1, 4}, 2))), "ConstantOfShape");
    }

    @Test
    void expandTileRangePadOneHotBombs() {
        rejects(() -> openAndRun(model(oneNode("Expand", new String[] {"x", "s"},
                new TensorProto[] {longs("s", 100_000, 100_000)}, DType.FLOAT32, null)), ONE), "Expand");
        rejects(() -> openAndRun(model(oneNode("Expand", new String[] {"x", "s"},
                new TensorProto[] {longs("s", 1 << 15, 1 << 15)}, DType.FLOAT32, null)), ONE), "maxMemoryBytes");
        rejects(() -> openAndRun(model(oneNode("Tile", new String[] {"x", "r"},
                new TensorProto[] {longs("r", 1L << 40)}, DType.FLOAT32, null)), ONE), "Tile");
        rejects(() -> openAndRun(model(oneNode("Tile", new String[] {"x", "r"},
                new TensorProto[] {longs("r", 1 << 30)}, DType.FLOAT32, null)), ONE), "Tile");
        GraphProto.Builder range = GraphProto.newBuilder().setName("g")
                .addInitializer(scalarLong("a", 0)).addInitializer(scalarLong("b", Long.MAX_VALUE))
                .addInitializer(scalarLong("d", 1)).addOutput(tensorInfo("y", DType.INT64))
                .addNode(node("Range", new String[] {"a", "b", "d"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(range), Map.of()), "Range");
        rejects(() -> openAndRun(model(oneNode("Pad", new String[] {"x", "p"},
                new TensorProto[] {longs("p", 1L << 29, 1L << 29)}, DType.FLOAT32, null)), ONE), "Pad");
        GraphProto.Builder oneHot = GraphProto.newBuilder().setName("g").addInput(tensorInfo("i", DType.INT64, 4))
                .addInitializer(scalarLong("depth", 1L << 31))
                .addInitializer(TensorProtos.encode(Tensor.of(new float[] {0, 1}, 2), "v"))
                .addOutput(tensorInfo("y", DType.FLOAT32))
                .addNode(node("OneHot", new String[] {"i", "depth", "v"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(oneHot), Map.of("i", Tensor.of(new long[4], 4))), "OneHot");
    }

    @Test
    void reshapeToAbsurdSizesIsRejected() {
        for (long[] shape : new long[][] {{1_000_000_000_000L}, {-1, -1}, {-5}, {0, 0}, {1L << 31, 1},
            {Long.MIN_VALUE}}) {
            rejects(() -> openAndRun(model(oneNode("Reshape", new String[] {"x", "s"},
                    new TensorProto[] {longs("s", shape)}, DType.FLOAT32, null)), ONE), "Reshape");
        }
    }

    @Test
    void resizeBombs() {
        GraphProto.Builder scales = oneNode("Resize", new String[] {"x", "", "sc"},
                new TensorProto[] {TensorProtos.encode(Tensor.of(new float[] {1e9f}, 1), "sc")}, DType.FLOAT32, null);
        rejects(() -> openAndRun(model(scales), ONE), "Resize");
        GraphProto.Builder huge = oneNode("Resize", new String[] {"x", "", "sc"},
                new TensorProto[] {TensorProtos.encode(Tensor.of(new float[] {Float.POSITIVE_INFINITY}, 1), "sc")},
                DType.FLOAT32, null);
        rejects(() -> openAndRun(model(huge), ONE), "Resize");
        GraphProto.Builder sizes = oneNode("Resize", new String[] {"x", "", "", "sz"},
                new TensorProto[] {longs("sz", 1_000_000_000_000L)}, DType.FLOAT32, null);
        rejects(() -> openAndRun(model(sizes), ONE), "Resize");
        GraphProto.Builder nan = oneNode("Resize", new String[] {"x", "", "sc"},
                new TensorProto[] {TensorProtos.encode(Tensor.of(new float[] {Float.NaN}, 1), "sc")}, DType.FLOAT32,
                null);
        rejects(() -> openAndRun(model(nan), ONE), "Resize");
    }

    @Test
    void aLoopThatNeverStopsIsCutOffByTheIterationLimit() {
        // Loop with no trip count and a body that always says "go on": only maxLoopIterations stops it.
        GraphProto body = GraphProto.newBuilder().setName("body").addInput(tensorInfo("i", DType.INT64))
                .addInput(tensorInfo("cin", DType.BOOL)).addInput(tensorInfo("v", DType.FLOAT32, 1))
                .addOutput(tensorInfo("cout", DType.BOOL)).addOutput(tensorInfo("vout", DType.FLOAT32, 1))
                .addNode(node("Identity", new String[] {"cin"}, new String[] {"cout"}))
                .addNode(node("Neg", new String[] {"v"}, new String[] {"vout"})).build();
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(tensorInfo("c", DType.BOOL))
                .addInput(tensorInfo("x", DType.FLOAT32, 1)).addOutput(tensorInfo("y", DType.FLOAT32, 1))
                .addNode(node("Loop", new String[] {"", "c", "x"}, new String[] {"y"}, graphAttr("body", body)));
        SessionOptions opts = smallOptions().limits(smallOptions().limits().withMaxLoopIterations(1000));
        rejects(() -> openAndRun(model(g), Map.of("c", Tensor.of(new boolean[] {true}), "x",
                Tensor.of(new float[] {1}, 1)), opts), "Loop", "1000 iterations");
    }

    @Test
    void theMemoryBudgetCountsLiveTensorsNotEverythingEverAllocated() {
        // A chain of 20 Relu on 1M floats allocates 80 MB in all but never holds more than two at once.
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", DType.FLOAT32, 1 << 20)).addOutput(tensorInfo("y19", DType.FLOAT32));
        for (int i = 0; i < 20; i++) {
            g.addNode(node("Relu", new String[] {i == 0 ? "x" : "y" + (i - 1)}, new String[] {"y" + i}));
        }
        SessionOptions opts = new SessionOptions().threads(1)
                .limits(Limits.defaults().withMaxMemoryBytes(12L << 20));
        try (Session s = Vinfer.open(model(g).toByteArray(), opts)) {
            Tensor y = s.run(Map.of("x", Tensor.of(new float[1 << 20], 1 << 20))).get("y19");
            assertEquals(1 << 20, y.size());
            assertTrue(s.lastRunPeakBytes() <= (8L << 20) + 1024, "peak " + s.lastRunPeakBytes());
        }
        SessionOptions tooSmall = new SessionOptions().threads(1)
                .limits(Limits.defaults().withMaxMemoryBytes(3L << 20));
        rejects(() -> openAndRun(model(g), Map.of("x", Tensor.of(new float[1 << 20], 1 << 20)), tooSmall),
                "maxMemoryBytes", "Relu");
    }
}
