package dev.vinfer.passes;

import static dev.vinfer.passes.PassTesting.assertSameOutputs;
import static dev.vinfer.passes.PassTesting.random;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bottleneck-fusion}: the blocked inverted-residual blocks of {@link ChannelBlockedChainsTest#block} become
 * one {@code nchwc_bottleneck} node each and give exactly what the unfused blocked graph gives (the same kernels
 * compute every value; only which thread and which scratch differ), at one, two and three threads (bands), batch 1
 * and 2, stride 1 and 2; a depthwise output read outside the block keeps its block unfused, an expansion output read
 * outside leaves the expansion out of the fusion; and the fused graph runs in the planned arena over several runs.
 * Seeds are in each message.
 */
class BottleneckFusionTest {

    private static Graph blocked(GraphProto gp, boolean fused, int threads) {
        return ChannelBlockedChainsTest.optimized(gp, "all", true, new SessionOptions().threads(threads), fused);
    }

    private static Map<String, Tensor> run(Graph g, Map<String, Tensor> feed, int threads) {
        try (Session s = new Session(g, new SessionOptions().threads(threads))) {
            return s.run(feed);
        }
    }

    @Test
    void invertedResidualBlocksFuseAndMatchBitForBit() {
        int[][] shapes = {{16, 96, 14}, {24, 144, 9}, {17, 40, 7}, {32, 192, 5}, {8, 48, 12}, {16, 32, 1}};
        for (int i = 0; i < 12; i++) {
            long seed = 9700 + i;
            int[] s = shapes[i % shapes.length];
            int n = i % 3 == 2 ? 2 : 1;
            int stride = i % 4 == 3 ? 2 : 1;
            boolean tap = i % 6 == 3;
            int threads = 1 + i % 3;
            GraphProto gp = ChannelBlockedChainsTest.block(seed, n, s[0], s[1], s[2], stride, tap);
            Graph fused = blocked(gp, true, threads);
            String what = "seed=" + seed + " n=" + n + " c=" + s[0] + " e=" + s[1] + " hw=" + s[2] + " stride="
                    + stride + (tap ? " tap" : "") + " threads=" + threads;
            // a tap on the first block's depthwise output keeps that block apart
            assertEquals(tap ? 1 : 2, ChannelBlockedChainsTest.count(fused, "nchwc_bottleneck"::equals),
                    what + "\n" + fused);
            Map<String, Tensor> feed = Map.of("x", random(seed + 50, n, s[0], s[2], s[2]));
            try {
                assertSameOutputs(run(blocked(gp, false, threads), feed, threads), run(fused, feed, threads), 0);
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void anExpansionReadElsewhereStaysOutOfTheFusion() {
        GraphProto two = ChannelBlockedChainsTest.block(9800, 1, 16, 48, 10, 1, false);
        // the first block's expanded (and clipped) tensor also leaves the graph
        GraphProto gp = two.toBuilder()
                .addNode(node("Relu", new String[] {"b0_re"}, new String[] {"expanded"}))
                .addOutput(tensorInfo("expanded", DType.FLOAT32, 1, 48, 10, 10)).build();
        Graph fused = blocked(gp, true, 2);
        assertEquals(2, ChannelBlockedChainsTest.count(fused, "nchwc_bottleneck"::equals), fused.toString());
        assertEquals(1, stages(fused, 3), "the second block fuses its expansion too\n" + fused);
        assertEquals(1, stages(fused, 2), "the first block fuses its depthwise and projection only\n" + fused);
        Map<String, Tensor> feed = Map.of("x", random(9801, 1, 16, 10, 10));
        assertSameOutputs(run(blocked(gp, false, 2), feed, 2), run(fused, feed, 2), 0);
    }

    /** Fused nodes of {@code n} convolutions (their op type joins them with '>'). */
    private static long stages(Graph g, int n) {
        return g.nodes().stream().filter(nd -> nd.op().describe().equals("nchwc_bottleneck")
                && nd.op().opType().chars().filter(ch -> ch == '>').count() == n - 1).count();
    }

    @Test
    void fusedBlocksRunInThePlannedArena() {
        GraphProto gp = ChannelBlockedChainsTest.block(9900, 1, 24, 144, 14, 1, false);
        Graph fused = blocked(gp, true, 2);
        Graph plain = blocked(gp, false, 2);
        SessionOptions two = new SessionOptions().threads(2);
        try (Session s = new Session(fused, two); Session fresh = new Session(fused, two.clone().memoryPlan(false))) {
            for (int r = 0; r < 3; r++) {
                Map<String, Tensor> feed = Map.of("x", random(9901 + r, 1, 24, 14, 14));
                assertSameOutputs(run(plain, feed, 2), s.run(feed), 0);
                assertSameOutputs(fresh.run(feed), s.run(feed), 0);
            }
        }
    }
}
