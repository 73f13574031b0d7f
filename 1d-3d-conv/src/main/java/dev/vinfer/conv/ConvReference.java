package dev.vinfer.conv;

import java.util.Objects;

/**
 * The textbook convolution and transposed convolution, one output value at a time with a double accumulator: the
 * oracle the fast kernels are tested against, and the {@link ConvAlgorithm#DIRECT} slow path. Written for clarity,
 * not speed.
 *
 * <p>Layouts are those of {@link ConvGeometry} and {@link ConvTransposeGeometry}. {@code bias} may be null.
 * Each output is {@code (float) e.apply(sum + bias)} with the sum in double.
 */
public final class ConvReference {
    private ConvReference() {
    }

    /** ONNX Conv over the whole batch. */
    public static void conv(ConvGeometry g, float[] in, int inOff, float[] w, int wOff, float[] bias, Epilogue e,
            float[] out, int outOff) {
        conv(g, in, inOff, w, wOff, bias, e, out, outOff, null, 0);
    }

    /** ONNX Conv followed by the addition of {@code residual} (output layout, may be null) before {@code e}. */
    public static void conv(ConvGeometry g, float[] in, int inOff, float[] w, int wOff, float[] bias, Epilogue e,
            float[] out, int outOff, float[] residual, int resOff) {
        checkArrays(g.inputLength(), in, inOff, g.weightLength(), w, wOff, g.outChannels(), bias, g.outputLength(),
                out, outOff);
        if (residual != null) {
            Objects.checkFromIndexSize(resOff, g.outputLength(), residual.length);
        }
        Shape3 s = Shape3.of(g);
        for (int plane = 0; plane < g.batch() * g.outChannels(); plane++) {
            convPlane(g, s, plane, in, inOff, w, wOff, bias, e, out, outOff, residual, resOff - outOff);
        }
    }

    /** ONNX ConvTranspose over the whole batch. */
    public static void convTranspose(ConvTransposeGeometry g, float[] in, int inOff, float[] w, int wOff,
            float[] bias, Epilogue e, float[] out, int outOff) {
        convTranspose(g, in, inOff, w, wOff, bias, e, out, outOff, null, 0);
    }

    /** ONNX ConvTranspose followed by the addition of {@code residual} (may be null) before {@code e}. */
    public static void convTranspose(ConvTransposeGeometry g, float[] in, int inOff, float[] w, int wOff,
            float[] bias, Epilogue e, float[] out, int outOff, float[] residual, int resOff) {
        checkArrays(g.inputLength(), in, inOff, g.weightLength(), w, wOff, g.outChannels(), bias, g.outputLength(),
                out, outOff);
        if (residual != null) {
            Objects.checkFromIndexSize(resOff, g.outputLength(), residual.length);
        }
        Shape3 s = Shape3.of(g);
        for (int plane = 0; plane < g.batch() * g.outChannels(); plane++) {
            convTransposePlane(g, s, plane, in, inOff, w, wOff, bias, e, out, outOff, residual, resOff - outOff);
        }
    }

    static void checkArrays(int inLen, float[] in, int inOff, int wLen, float[] w, int wOff, int biasLen,
            float[] bias, int outLen, float[] out, int outOff) {
        Objects.checkFromIndexSize(inOff, inLen, in.length);
        Objects.checkFromIndexSize(wOff, wLen, w.length);
        Objects.checkFromIndexSize(outOff, outLen, out.length);
        if (bias != null && bias.length < biasLen) {
            throw new IllegalArgumentException("bias has " + bias.length + " values, need " + biasLen);
        }
    }

    /** Output plane {@code plane = n * M + m} of a convolution; {@code res[o + resDelta]} is added if res != null. */
    static void convPlane(ConvGeometry g, Shape3 s, int plane, float[] in, int inOff, float[] w, int wOff,
            float[] bias, Epilogue e, float[] out, int outOff, float[] res, int resDelta) {
        int m = plane % g.outChannels();
        int n = plane / g.outChannels();
        int cg = g.inChannelsPerGroup();
        int c0 = m / g.outChannelsPerGroup() * cg;
        int inPlane = s.inPlane();
        int outBase = outOff + plane * s.outPlane();
        double b = bias == null ? 0 : bias[m];
        for (int od = 0; od < s.outD; od++) {
            for (int oh = 0; oh < s.outH; oh++) {
                for (int ow = 0; ow < s.outW; ow++) {
                    double sum = 0;
                    for (int c = 0; c < cg; c++) {
                        int inC = inOff + (n * g.inChannels() + c0 + c) * inPlane;
                        int wC = wOff + (m * cg + c) * s.kernelSize();
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
                                for (int kw = 0; kw < s.kW; kw++) {
                                    int iw = ow * s.sW - s.pW + kw * s.dW;
                                    if (iw < 0 || iw >= s.inW) {
                                        continue;
                                    }
                                    sum += (double) in[inC + (id * s.inH + ih) * s.inW + iw]
                                            * w[wC + (kd * s.kH + kh) * s.kW + kw];
                                }
                            }
                        }
                    }
                    int o = outBase + (od * s.outH + oh) * s.outW + ow;
                    out[o] = (float) e.apply(res == null ? sum + b : sum + b + res[o + resDelta]);
                }
            }
        }
    }

    /**
     * Output plane {@code plane = n * M + m} of a transposed convolution, gathered: output position o receives
     * input position i through kernel tap k when {@code o = i * stride - pad + k * dilation}.
     */
    static void convTransposePlane(ConvTransposeGeometry g, Shape3 s, int plane, float[] in, int inOff, float[] w,
            int wOff, float[] bias, Epilogue e, float[] out, int outOff, float[] res, int resDelta) {
        int m = plane % g.outChannels();
        int n = plane / g.outChannels();
        int mg = g.outChannelsPerGroup();
        int cg = g.inChannelsPerGroup();
        int c0 = m / mg * cg;
        int mInGroup = m % mg;
        int inPlane = s.inPlane();
        int outBase = outOff + plane * s.outPlane();
        double b = bias == null ? 0 : bias[m];
        for (int od = 0; od < s.outD; od++) {
            for (int oh = 0; oh < s.outH; oh++) {
                for (int ow = 0; ow < s.outW; ow++) {
                    double sum = 0;
                    for (int c = 0; c < cg; c++) {
                        int inC = inOff + (n * g.inChannels() + c0 + c) * inPlane;
                        int wC = wOff + ((c0 + c) * mg + mInGroup) * s.kernelSize();
                        for (int kd = 0; kd < s.kD; kd++) {
                            int id = sourceIndex(od, kd, s.sD, s.pD, s.dD, s.inD);
                            if (id < 0) {
                                continue;
                            }
                            for (int kh = 0; kh < s.kH; kh++) {
                                int ih = sourceIndex(oh, kh, s.sH, s.pH, s.dH, s.inH);
                                if (ih < 0) {
                                    continue;
                                }
                                for (int kw = 0; kw < s.kW; kw++) {
                                    int iw = sourceIndex(ow, kw, s.sW, s.pW, s.dW, s.inW);
                                    if (iw < 0) {
                                        continue;
                                    }
                                    sum += (double) in[inC + (id * s.inH + ih) * s.inW + iw]
                                            * w[wC + (kd * s.kH + kh) * s.kW + kw];
                                }
                            }
                        }
                    }
                    int o = outBase + (od * s.outH + oh) * s.outW + ow;
                    out[o] = (float) e.apply(res == null ? sum + b : sum + b + res[o + resDelta]);
                }
            }
        }
    }

    /** The input index i with {@code o = i * stride - pad + k * dilation}, or -1 if there is none in range. */
    private static int sourceIndex(int o, int k, int stride, int pad, int dilation, int inSize) {
        int t = o + pad - k * dilation;
        if (t < 0 || t % stride != 0) {
            return -1;
        }
        int i = t / stride;
        return i < inSize ? i : -1;
    }
}
