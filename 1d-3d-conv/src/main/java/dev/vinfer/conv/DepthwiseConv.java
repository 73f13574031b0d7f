package dev.vinfer.conv;

import java.util.Arrays;

/**
 * Direct convolution for {@code G == C}: output channel m reads only input channel {@code m / (M/C)}. Each output
 * row starts at the bias and receives, for every kernel tap that lands inside the input, one
 * {@code row += w * (input row, strided)} ({@link Backend#axpy}), which the vector backend vectorizes when the
 * stride is 1; the epilogue then runs on the finished row. No scratch memory. Threads split the (image, channel)
 * planes.
 */
final class DepthwiseConv extends PreparedConv {
    /** Output values per task below which planes are grouped into one task (so tiny planes are not one task each). */
    private static final int MIN_TASK_OUTPUTS = 4096;

    private final ConvGeometry g;
    private final Shape3 s;
    private final float[] weights;
    private final float[] bias;
    private final Epilogue epilogue;
    private final int multiplier;

    DepthwiseConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.DEPTHWISE, backend, g.inputLength(), g.outputLength());
        if (!g.isDepthwise()) {
            throw new IllegalArgumentException("DEPTHWISE needs group == input channels: " + g);
        }
        this.g = g;
        this.s = Shape3.of(g);
        this.bias = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.weights = Arrays.copyOfRange(w, wOff, wOff + g.weightLength());
        this.epilogue = e;
        this.multiplier = g.outChannels() / g.inChannels();
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int planes = g.batch() * g.outChannels();
        int minPlanes = Math.max(1, MIN_TASK_OUTPUTS / s.outPlane());
        p.forRange(planes, minPlanes, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                plane(plane, in, inOff, out, outOff, res, resDelta);
            }
        });
    }

    private void plane(int plane, float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta) {
        int m = plane % g.outChannels();
        int n = plane / g.outChannels();
        int inBase = inOff + (n * g.inChannels() + m / multiplier) * s.inPlane();
        int outBase = outOff + plane * s.outPlane();
        int wBase = m * s.kernelSize();
        float b = bias == null ? 0f : bias[m];
        int iwShift0 = -s.pW;
        for (int od = 0; od < s.outD; od++) {
            for (int oh = 0; oh < s.outH; oh++) {
                int row = outBase + (od * s.outH + oh) * s.outW;
                Arrays.fill(out, row, row + s.outW, b);
                for (int kd = 0; kd < s.kD; kd++) {
                    int id = od * s.sD - s.pD + kd * s.dD;
                    if (id < 0 || id >= s.inD) {
                        continue;
                    }
                    for (int kh = 0; kh < s.kH; kh++) {
                        int ih = oh * s.sH - s.pH + kh * s.dH;
                        if (ih < 0 || ih >= s.inH) {
                            continue;
                        }
                        int inRow = inBase + (id * s.inH + ih) * s.inW;
                        int wRow = wBase + (kd * s.kH + kh) * s.kW;
                        for (int kw = 0; kw < s.kW; kw++) {
                            int shift = iwShift0 + kw * s.dW; // iw = ow * sW + shift
                            int lo = Shape3.firstInside(shift, s.sW);
                            int hi = Shape3.endInside(shift, s.sW, s.inW, s.outW);
                            if (lo < hi) {
                                backend.axpy(hi - lo, weights[wRow + kw], in, inRow + lo * s.sW + shift, s.sW, out,
                                        row + lo);
                            }
                        }
                    }
                }
                addResidual(out, row, s.outW, res, resDelta);
                if (!epilogue.isIdentity()) {
                    backend.biasEpilogue(out, row, s.outW, 0f, epilogue);
                }
            }
        }
    }
}
