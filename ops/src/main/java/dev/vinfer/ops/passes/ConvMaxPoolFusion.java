package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.nn.pool.MaxPoolOp;
import dev.vinfer.ops.nn.pool.PaddingPolicy;
import dev.vinfer.ops.nn.pool.PoolWindow;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Value;
import java.util.Map;

/**
 * Fuses a 1-D MaxPool whose window is its stride (2 or 4; no padding, dilation 1, floor mode, no indices) into the
 * convolution that alone feeds it ({@link ConvOp#withRowMaxPool}): M5's four Conv+BatchNorm+Relu+MaxPool1d(4)
 * blocks. Each thread then pools its part of the convolution's rows while they are in its cache, and the unpooled
 * output (2 MB after M5's front end) is never stored; the MaxPool node, which at two threads ran slower than at one
 * (it read rows the other core had written), is gone.
 *
 * <p>Only for sessions of two or more threads, where the input shape is static and the kernel chosen for it pools
 * in its own output pass ({@link ConvOp#poolsRowsInKernel}: channels-last and implicit im2col). Measured on M5 (session
 * 37, AMD Zen 5, in one JVM, both orders, {@code SwitchPairedComparison m5audio T 2000 vinfer.convPool false true}):
 * 0.964 of the time at two threads, where all four blocks fuse; 1.010 at one thread, where only the front end
 * (implicit im2col) would: it ran as fast fused as apart, and the 1-D Winograd layer after it 3-6% slower
 * (reading the pooled rows written piecemeal through the front end's run rather than by one pass just before).
 * Through {@link dev.vinfer.conv.Convolutions#prepareRowMaxPool}'s fallback (pooling after the whole
 * convolution) the Winograd layers ran 10% slower than two nodes.
 *
 * <p>{@code -Dvinfer.convPool=false} keeps two nodes (read at optimization: for comparisons).
 */
public final class ConvMaxPoolFusion implements GraphPass {

    @Override
    public String name() {
        return "conv-maxpool-fusion";
    }

    /** After the blocked passes (940-975): only convolutions left in NCHW are candidates. */
    @Override
    public int order() {
        return 980;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        if ("false".equals(System.getProperty("vinfer.convPool")) || options.threads() < 2) {
            return g;
        }
        GraphIndex index = new GraphIndex(g);
        Map<Value, ShapeRules.Known> known = null; // inferred once, at the first candidate
        Rewrite rw = new Rewrite(g);
        boolean any = false;
        for (Node c : g.nodes()) {
            if (!(c.op() instanceof ConvOp conv) || conv.hasResidual() || conv.rowMaxPool() != 1
                    || c.outputCount() != 1 || !index.fusible(c.output(0))) {
                continue;
            }
            Node q = index.reader(c.output(0));
            if (q == null || !(q.op() instanceof MaxPoolOp pool) || pool.withIndices() || q.inputCount() != 1
                    || q.input(0) != c.output(0) || q.outputCount() != 1) {
                continue;
            }
            int window = rowWindow(pool.window());
            if (window == 0 || c.inputCount() < 2) {
                continue;
            }
            if (known == null) {
                known = StaticShapes.infer(g, options);
            }
            ShapeRules.Known x = known.get(c.input(0));
            ShapeRules.Known w = known.get(c.input(1));
            if (x == null || w == null
                    || !conv.poolsRowsInKernel(x.shape(), w.shape(), options.convAlgorithm(), options.threads(),
                    window)) {
                continue;
            }
            rw.remove(c);
            rw.replace(q, new Node(q.name(), q.domain(), conv.withRowMaxPool(window), c.inputs(), q.outputs()));
            any = true;
        }
        return any ? rw.build() : g;
    }

    /** The window of a 1-D pool the fused kernels compute (window = stride, 2 or 4, no padding), else 0. */
    static int rowWindow(PoolWindow w) {
        if (w.spatialDims() != 1 || w.ceilMode() || w.dilations()[0] != 1) {
            return 0;
        }
        int k = w.kernel()[0];
        if ((k != 2 && k != 4) || w.strides()[0] != k) {
            return 0;
        }
        boolean unpadded = w.padding() == PaddingPolicy.VALID
                || w.padding() == PaddingPolicy.EXPLICIT && w.pads()[0] == 0 && w.pads()[1] == 0;
        return unpadded ? k : 0;
    }
}
