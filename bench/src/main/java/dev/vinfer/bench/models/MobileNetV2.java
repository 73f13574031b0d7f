package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;

/**
 * MobileNetV2 1.0 (Sandler et al. 2018) as torchvision exports it: 3x3/2 stem, seventeen inverted residual blocks
 * (1x1 expansion, 3x3 depthwise, linear 1x1 projection; residual Add when shape allows), 1x1 conv to 1280, global
 * average pool, dropout, one fully connected layer. ReLU6 is Clip(0, 6) with min and max as inputs.
 */
public final class MobileNetV2 {
    /** Expansion t, output channels c, repeats n, first stride s. */
    private static final int[][] SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };

    private MobileNetV2() {
    }

    /** @param input N x 3 x H x W (224 x 224 classically) */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("mobilenetv2", seed);
        String x = l.input("input", input);
        x = l.relu6(l.bn(l.conv(x, 32, 3, 2, 1)));
        for (int[] s : SETTINGS) {
            for (int i = 0; i < s[2]; i++) {
                x = invertedResidual(l, x, s[0], s[1], i == 0 ? s[3] : 1);
            }
        }
        x = l.relu6(l.bn(l.conv(x, 1280, 1, 1, 0)));
        x = l.dropout(l.flatten(l.globalAvgPool(x)));
        l.output(l.linear(x, 1000));
        return l.model();
    }

    private static String invertedResidual(Layers l, String x, int expand, int out, int stride) {
        int in = l.channels(x);
        int hidden = in * expand;
        String y = x;
        if (expand != 1) {
            y = l.relu6(l.bn(l.conv(y, hidden, 1, 1, 0)));
        }
        y = l.relu6(l.bn(l.conv(y, ConvSpec.of(hidden, 3).stride(stride).pad(1).group(hidden))));
        y = l.bn(l.conv(y, out, 1, 1, 0), stride == 1 && in == out ? 0.3f : 1f);
        return stride == 1 && in == out ? l.add(x, y) : y;
    }
}
