package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;

/**
 * SqueezeNet 1.1 (Iandola et al. 2016; the 1.1 revision of the reference repository, as in torchvision): 3x3/2
 * stem, eight fire modules (1x1 squeeze, then parallel 1x1 and 3x3 expands joined by Concat) between ceil-mode
 * max-pools, a 1x1 conv classifier with ReLU and global average pooling. No BatchNorm; convs have biases.
 */
public final class SqueezeNet11 {
    /** Per fire module: squeeze, expand 1x1, expand 3x3; a max-pool follows modules 2 and 4. */
    private static final int[][] FIRES = {
        {16, 64, 64}, {16, 64, 64}, {32, 128, 128}, {32, 128, 128},
        {48, 192, 192}, {48, 192, 192}, {64, 256, 256}, {64, 256, 256},
    };

    private SqueezeNet11() {
    }

    /** @param input N x 3 x H x W (224 x 224 classically) */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("squeezenet11", seed);
        String x = l.input("input", input);
        x = l.relu(l.conv(x, ConvSpec.of(64, 3).stride(2).bias()));
        x = l.maxPool(x, 3, 2, 0, true);
        for (int f = 0; f < FIRES.length; f++) {
            x = fire(l, x, FIRES[f]);
            if (f == 1 || f == 3) {
                x = l.maxPool(x, 3, 2, 0, true);
            }
        }
        x = l.relu(l.conv(l.dropout(x), ConvSpec.of(1000, 1).bias()));
        l.output(l.flatten(l.globalAvgPool(x)));
        return l.model();
    }

    private static String fire(Layers l, String x, int[] c) {
        String s = l.relu(l.conv(x, ConvSpec.of(c[0], 1).bias()));
        String e1 = l.relu(l.conv(s, ConvSpec.of(c[1], 1).bias()));
        String e3 = l.relu(l.conv(s, ConvSpec.of(c[2], 3).pad(1).bias()));
        return l.concat(e1, e3);
    }
}
