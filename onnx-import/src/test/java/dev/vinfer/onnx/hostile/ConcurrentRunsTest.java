package dev.vinfer.onnx.hostile;

import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One session run from 8 threads at once gives exactly the outputs of the same runs made one at a time. */
class ConcurrentRunsTest {

    /** A small CNN: Conv-Relu-Conv(stride 2)-Relu-Reshape-MatMul-Add-Softmax on [1, 3, 32, 32], seeded weights. */
    static ModelProto smallCnn(long seed) {
        Random rnd = new Random(seed);
        GraphProto g = GraphProto.newBuilder().setName("cnn")
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 3, 32, 32))
                .addOutput(tensorInfo("p", DType.FLOAT32, 1, 10))
                .addInitializer(weights(rnd, "w1", 8, 3, 3, 3)).addInitializer(weights(rnd, "b1", 8))
                .addInitializer(weights(rnd, "w2", 16, 8, 3, 3)).addInitializer(weights(rnd, "w3", 16 * 16 * 16, 10))
                .addInitializer(weights(rnd, "b3", 10))
                .addInitializer(TensorProtos.encode(Tensor.of(new long[] {1, 16 * 16 * 16}, 2), "flat"))
                .addNode(node("Conv", new String[] {"x", "w1", "b1"}, new String[] {"c1"}, intsAttr("pads", 1, 1, 1,
                        1)))
                .addNode(node("Relu", new String[] {"c1"}, new String[] {"r1"}))
                .addNode(node("Conv", new String[] {"r1", "w2"}, new String[] {"c2"}, intsAttr("pads", 1, 1, 1, 1),
                        intsAttr("strides", 2, 2)))
                .addNode(node("Relu", new String[] {"c2"}, new String[] {"r2"}))
                .addNode(node("Reshape", new String[] {"r2", "flat"}, new String[] {"f"}))
                .addNode(node("MatMul", new String[] {"f", "w3"}, new String[] {"m"}))
                .addNode(node("Add", new String[] {"m", "b3"}, new String[] {"logits"}))
                .addNode(node("Softmax", new String[] {"logits"}, new String[] {"p"}))
                .build();
        return Models.model(g, 17);
    }

    private static dev.vinfer.onnx.proto.OnnxIr.TensorProto weights(Random rnd, String name, int... shape) {
        Tensor t = Tensor.zeros(DType.FLOAT32, shape);
        for (int i = 0; i < t.size(); i++) {
            t.setFloat(i, (float) rnd.nextGaussian() * 0.2f);
        }
        return TensorProtos.encode(t, name);
    }

    static Tensor input(long seed) {
        Random rnd = new Random(seed);
        float[] a = new float[3 * 32 * 32];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat();
        }
        return Tensor.of(a, 1, 3, 32, 32);
    }

    @Test
    void eightThreadsGiveTheSingleThreadedOutputsBitForBit() throws Exception {
        int threads = 8;
        int runsPerThread = 25;
        int inputs = threads * runsPerThread;
        try (Session s = Vinfer.open(smallCnn(42).toByteArray(), new SessionOptions().threads(2))) {
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < inputs; i++) {
                expected.add(s.run(Map.of("x", input(i))).get("p").toFloatArray());
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            try {
                List<Future<List<float[]>>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t * runsPerThread;
                    futures.add(pool.submit(() -> {
                        go.await();
                        List<float[]> got = new ArrayList<>();
                        for (int i = first; i < first + runsPerThread; i++) {
                            got.add(s.run(Map.of("x", input(i))).get("p").toFloatArray());
                        }
                        return got;
                    }));
                }
                go.countDown();
                for (int t = 0; t < threads; t++) {
                    List<float[]> got = futures.get(t).get(120, TimeUnit.SECONDS);
                    for (int k = 0; k < runsPerThread; k++) {
                        int i = t * runsPerThread + k;
                        assertArrayEquals(expected.get(i), got.get(k), "input " + i + " on thread " + t);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(10, expected.get(0).length);
        }
    }
}
