package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;

/**
 * AlexNet as in Krizhevsky et al. 2012, with what later re-implementations dropped: local response normalization
 * (size 5, alpha 1e-4, beta 0.75, k 2) after the first two conv layers, and the two-GPU split kept as group=2
 * convolutions. Dropout stays in the graph as an exporter in inference mode may leave it.
 */
public final class AlexNet {
    private AlexNet() {
    }

    /** @param input N x 3 x H x W (224 x 224 classically; the classifier width follows H and W) */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("alexnet", seed);
        String x = l.input("input", input);
        x = l.relu(l.conv(x, ConvSpec.of(96, 11).stride(4).pad(2).bias()));
        x = l.maxPool(l.lrn(x, 5, 1e-4f, 0.75f, 2f), 3, 2, 0, false);
        x = l.relu(l.conv(x, ConvSpec.of(256, 5).pad(2).group(2).bias()));
        x = l.maxPool(l.lrn(x, 5, 1e-4f, 0.75f, 2f), 3, 2, 0, false);
        x = l.relu(l.conv(x, ConvSpec.of(384, 3).pad(1).bias()));
        x = l.relu(l.conv(x, ConvSpec.of(384, 3).pad(1).group(2).bias()));
        x = l.relu(l.conv(x, ConvSpec.of(256, 3).pad(1).group(2).bias()));
        x = l.flatten(l.maxPool(x, 3, 2, 0, false));
        x = l.relu(l.linear(l.dropout(x), 4096));
        x = l.relu(l.linear(l.dropout(x), 4096));
        l.output(l.linear(x, 1000));
        return l.model();
    }
}
