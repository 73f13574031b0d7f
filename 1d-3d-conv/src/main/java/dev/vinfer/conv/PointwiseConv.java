package dev.vinfer.conv;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A 1x1, stride-1, unpadded convolution: per image and group the input block ({@code C/G x pixels}, row stride =
 * the plane) already is the GEMM's B matrix, so the output is one product with the prepacked weights and no
 * buffer at all. Pixels (and if need be output channels) are split only to feed the threads.
 */
final class PointwiseConv extends PreparedConv {
    private final ConvGeometry g;
    private final GroupedWeights weights;

    PointwiseConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.POINTWISE, backend, g.inputLength(), g.outputLength());
        if (!g.isPointwise()) {
            throw new IllegalArgumentException("POINTWISE needs a 1x1 kernel, stride 1 and no padding: " + g);
        }
        this.g = g;
        float[] b = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.weights = new GroupedWeights(backend, g.group(), g.outChannelsPerGroup(), g.inChannelsPerGroup(), w,
                wOff, b, e);
    }

    private final AtomicReference<Tiles> spare = new AtomicReference<>();

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        Tiles c = take(spare);
        if (c == null) {
            c = new Tiles();
        }
        if (c.threads != p.threads()) {
            c.grid = WorkGrid.plan(g.batch() * g.group(), g.outputPlane(), g.outputPlane(), g.outChannelsPerGroup(),
                    weights.alignment(), p.threads());
            c.threads = p.threads();
        }
        c.set(in, inOff, out, outOff, res, resDelta);
        try {
            p.forEach(c.grid.tasks(), c);
        } finally {
            give(spare, c);
        }
    }

    /** One task: a pixel tile and row slice of one image and group. */
    private final class Tiles extends Call {
        @Override
        public void run(int t) {
            int pixels = g.outputPlane();
            int cg = g.inChannelsPerGroup();
            int mg = g.outChannelsPerGroup();
            int unit = grid.unit(t);
            int n = unit / g.group();
            int gi = unit % g.group();
            int p0 = grid.pixelBegin(t);
            int r0 = grid.rowBegin(t);
            int bOff = inOff + (n * g.inChannels() + gi * cg) * pixels + p0;
            int outRow0 = outOff + (n * g.outChannels() + gi * mg + r0) * pixels + p0;
            weights.multiplyPointwise(gi, r0, grid.rowEnd(t), grid.pixelCount(t), in, bOff, pixels, out, outRow0,
                    pixels, res, resDelta);
        }
    }
}
