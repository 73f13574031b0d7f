package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;

/**
 * A small patch classifier written fully convolutionally, so that one session runs it at any input size (the
 * "sliding window as convolution" idea of OverFeat, Sermanet et al. 2013): trained on 32x32 patches its
 * fully connected head (5x5 -> 128 -> 10) is a 5x5 conv and two 1x1 convs; on a 32x32 input it gives 1x1 scores,
 * on a larger input a map of scores whose cell (i, j) is the classifier applied to the patch at (4i, 4j).
 * No padding anywhere, so that equivalence is exact. Input and output have symbolic N, H and W.
 */
public final class FullyConvNet {
    /** Side of the patch the classifier sees and the total stride of its score map. */
    public static final int PATCH = 32;
    public static final int STRIDE = 4;
    public static final int CLASSES = 10;

    private FullyConvNet() {
    }

    /** @param input N x 3 x H x W; only the channel count is fixed in the file, the rest is symbolic */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("fully_conv", seed);
        String x = l.input("input", new Object[] {"N", 3, "H", "W"}, input);
        x = l.convBnRelu(x, 32, 3, 1, 0);
        x = l.convBnRelu(x, 32, 3, 1, 0);
        x = l.maxPool(x, 2, 2, 0, false);
        x = l.convBnRelu(x, 64, 3, 1, 0);
        x = l.convBnRelu(x, 64, 3, 1, 0);
        x = l.maxPool(x, 2, 2, 0, false);
        x = l.relu(l.conv(x, ConvSpec.of(128, 5).bias()));
        x = l.relu(l.conv(x, ConvSpec.of(128, 1).bias()));
        x = l.conv(x, ConvSpec.of(CLASSES, 1).bias());
        l.output(x, "N", CLASSES, "OH", "OW");
        return l.model();
    }

    /** Score-map side for an input side (inverse of the network's receptive-field arithmetic). */
    public static int mapSide(int inputSide) {
        return (inputSide - PATCH) / STRIDE + 1;
    }
}
