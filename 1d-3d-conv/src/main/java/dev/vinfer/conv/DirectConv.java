package dev.vinfer.conv;

import java.util.Arrays;

/**
 * {@link ConvAlgorithm#DIRECT}: the {@link ConvReference} loops (forward or transposed), parallel over output
 * planes. No scratch memory.
 */
final class DirectConv extends PreparedConv {
    private final ConvGeometry forward;
    private final ConvTransposeGeometry transposed;
    private final Shape3 s;
    private final float[] weights;
    private final float[] bias;
    private final Epilogue epilogue;
    private final int planes;

    DirectConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.DIRECT, backend, g.inputLength(), g.outputLength());
        this.forward = g;
        this.transposed = null;
        this.s = Shape3.of(g);
        this.bias = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.weights = Arrays.copyOfRange(w, wOff, wOff + g.weightLength());
        this.epilogue = e;
        this.planes = g.batch() * g.outChannels();
    }

    DirectConv(ConvTransposeGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.DIRECT, backend, g.inputLength(), g.outputLength());
        this.forward = null;
        this.transposed = g;
        this.s = Shape3.of(g);
        this.bias = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.weights = Arrays.copyOfRange(w, wOff, wOff + g.weightLength());
        this.epilogue = e;
        this.planes = g.batch() * g.outChannels();
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        p.forRange(planes, 1, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                if (forward != null) {
                    ConvReference.convPlane(forward, s, plane, in, inOff, weights, 0, bias, epilogue, out, outOff,
                            res, resDelta);
                } else {
                    ConvReference.convTransposePlane(transposed, s, plane, in, inOff, weights, 0, bias, epilogue, out,
                            outOff, res, resDelta);
                }
            }
        });
    }
}
