package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;

/**
 * VGG-16 (configuration D of Simonyan and Zisserman 2014): thirteen 3x3 conv + ReLU layers in five stages closed
 * by 2x2 max-pools, then fully connected 4096 - 4096 - 1000 with dropout.
 */
public final class Vgg16 {
    private static final int[][] STAGES = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};

    private Vgg16() {
    }

    /** @param input N x 3 x H x W (224 x 224 classically; H, W multiples of 32; the classifier follows them) */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("vgg16", seed);
        String x = l.input("input", input);
        for (int[] stage : STAGES) {
            for (int c : stage) {
                x = l.relu(l.conv(x, ConvSpec.of(c, 3).pad(1).bias()));
            }
            x = l.maxPool(x, 2, 2, 0, false);
        }
        x = l.flatten(x);
        x = l.dropout(l.relu(l.linear(x, 4096)));
        x = l.dropout(l.relu(l.linear(x, 4096)));
        l.output(l.linear(x, 1000));
        return l.model();
    }
}
