package dev.vinfer.passes;

import static dev.vinfer.passes.ChannelBlockedChainsTest.restore;
import static dev.vinfer.passes.PassTesting.assertSameOutputs;
import static dev.vinfer.passes.PassTesting.initializer;
import static dev.vinfer.passes.PassTesting.load;
import static dev.vinfer.passes.PassTesting.ops;
import static dev.vinfer.passes.PassTesting.random;
import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Optimizer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code conv-maxpool-fusion}: M5-style blocks (1-D Conv + Relu + MaxPool of 4, or of 2) become one node where the
 * kernel pools its own output (channels-last, implicit im2col) at two threads, and give what the unfused graph
 * ({@code -Dvinfer.convPool=false}) gives, over several runs of one session; pools it cannot take (padded, a window
 * other than its stride, 3 wide, ceil mode), a convolution whose output is also read elsewhere, one thread, and a
 * Winograd layer stay two nodes.
 */
class ConvMaxPoolFusionTest {
    /** Relative to the output scale: both graphs compute the same sums; activations cut rows differently. */
    private static final double TOLERANCE = 1e-6;

    /**
     * x [n, c, len] -> Conv (c -> m, 3 taps, pad 1, bias) + Relu -> MaxPool(pool) -> Conv (m -> m, 80 taps,
     * stride 4 when {@code frontEnd}, else 3 taps pad 1) + Relu -> MaxPool(4) -> y; {@code poolAttrs} are the
     * first pool's; with {@code tap} the first Relu's output is also a graph output.
     */
    private static GraphProto blocks(long seed, int n, int c, int m, int len, boolean frontEnd, boolean tap,
            AttributeProto... poolAttrs) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("m5-blocks")
                .addInput(tensorInfo("x", DType.FLOAT32, n, c, len))
                .addInitializer(initializer("w0", random(seed, m, c, 3)))
                .addInitializer(initializer("b0", random(seed + 1, m)))
                .addInitializer(initializer("w1", random(seed + 2, m, m, frontEnd ? 8 : 3)))
                .addNode(node("Conv", new String[] {"x", "w0", "b0"}, new String[] {"c0"}, intsAttr("pads", 1, 1)))
                .addNode(node("Relu", new String[] {"c0"}, new String[] {"r0"}))
                .addNode(node("MaxPool", new String[] {"r0"}, new String[] {"p0"}, poolAttrs))
                .addNode(node("Conv", new String[] {"p0", "w1"}, new String[] {"c1"},
                        frontEnd ? intsAttr("strides", 4) : intsAttr("pads", 1, 1)))
                .addNode(node("Relu", new String[] {"c1"}, new String[] {"r1"}))
                .addNode(node("MaxPool", new String[] {"r1"}, new String[] {"y"}, intsAttr("kernel_shape", 4),
                        intsAttr("strides", 4)));
        g.addOutput(tensorInfo("y", DType.FLOAT32));
        if (tap) {
            g.addOutput(tensorInfo("r0", DType.FLOAT32));
        }
        return g.build();
    }

    private static AttributeProto[] pool(int k) {
        return new AttributeProto[] {intsAttr("kernel_shape", k), intsAttr("strides", k)};
    }

    private static Graph optimized(GraphProto gp, SessionOptions options, boolean fuse) {
        String before = System.getProperty("vinfer.convPool");
        System.setProperty("vinfer.convPool", Boolean.toString(fuse));
        try {
            return Optimizer.standard().optimize(load(gp, 13), options);
        } finally {
            restore("vinfer.convPool", before);
        }
    }

    private static long fused(Graph g) {
        return ops(g).stream().filter(o -> o.endsWith("+MaxPool")).count();
    }

    /** Checks the count of fused nodes and that three runs of one session match the unfused graph's outputs. */
    private static void check(String ctx, GraphProto gp, SessionOptions options, long expectFused, int n, int c,
            int len, long seed) {
        Graph fusedGraph = optimized(gp, options, true);
        assertEquals(expectFused, fused(fusedGraph), ctx + ": fused nodes in " + ops(fusedGraph));
        Graph plain = optimized(gp, options, false);
        assertEquals(0, fused(plain), ctx);
        try (Session a = new Session(fusedGraph, options); Session b = new Session(plain, options)) {
            for (int run = 0; run < 3; run++) {
                Map<String, Tensor> feed = Map.of("x", random(seed + 100 + run, n, c, len));
                assertSameOutputs(b.run(feed), a.run(feed), TOLERANCE);
            }
        }
    }

    @Test
    void fusesWhereTheKernelPools() {
        long seed = 9700;
        for (String algorithm : List.of("channels_last", "implicit_im2col")) {
            for (int[] shape : new int[][] {{1, 8, 40, 995}, {2, 3, 17, 130}, {1, 16, 33, 4000}, {1, 5, 16, 7}}) {
                for (int k : new int[] {2, 4}) {
                    int n = shape[0];
                    int c = shape[1];
                    int m = shape[2];
                    int len = shape[3];
                    boolean frontEnd = len / k >= 200;
                    if (!frontEnd && len / k < 4) {
                        continue; // the second pool would have no output
                    }
                    SessionOptions options = new SessionOptions().threads(2).convAlgorithm(algorithm);
                    check("seed=" + seed + " " + algorithm + " " + java.util.Arrays.toString(shape) + " pool " + k,
                            blocks(seed, n, c, m, len, frontEnd, false, pool(k)), options, 2, n, c, len, seed);
                    seed++;
                }
            }
        }
    }

    @Test
    void leavesWhatItCannotFuse() {
        long seed = 9800;
        SessionOptions two = new SessionOptions().threads(2).convAlgorithm("channels_last");
        int n = 1;
        int c = 8;
        int len = 403;
        // every case keeps its second block fused: only the first pool is at stake
        AttributeProto[][] pools = {
            {intsAttr("kernel_shape", 4), intsAttr("strides", 4), intsAttr("pads", 1, 1)},
            {intsAttr("kernel_shape", 4), intsAttr("strides", 2)},
            {intsAttr("kernel_shape", 3), intsAttr("strides", 3)},
            {intsAttr("kernel_shape", 4), intsAttr("strides", 4), intAttr("ceil_mode", 1)},
            {intsAttr("kernel_shape", 2), intsAttr("strides", 2), intsAttr("dilations", 2)},
        };
        for (AttributeProto[] p : pools) {
            check("seed=" + seed + " " + List.of(p), blocks(seed, n, c, 24, len, false, false, p), two, 1, n, c, len,
                    seed);
            seed++;
        }
        check("seed=" + seed + " read elsewhere", blocks(seed, n, c, 24, len, false, true, pool(4)), two, 1, n, c,
                len, seed);
        seed++;
        check("seed=" + seed + " one thread", blocks(seed, n, c, 24, len, false, false, pool(4)),
                new SessionOptions().threads(1).convAlgorithm("channels_last"), 0, n, c, len, seed);
        seed++;
        check("seed=" + seed + " winograd", blocks(seed, n, c, 24, len, false, false, pool(4)),
                new SessionOptions().threads(2).convAlgorithm("winograd_f4_3"), 0, n, c, len, seed);
    }
}
