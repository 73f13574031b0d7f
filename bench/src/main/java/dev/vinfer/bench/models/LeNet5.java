package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;

/**
 * LeNet-5 (LeCun et al. 1998) as usually re-implemented: two 5x5 conv + tanh + 2x2 average-pool stages on a
 * 32x32 grey image, then fully connected 120 - 84 - 10 with tanh.
 */
public final class LeNet5 {
    private LeNet5() {
    }

    /** @param input N x 1 x H x W (32 x 32 classically) */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("lenet5", seed);
        String x = l.input("input", input);
        x = l.avgPool(l.tanh(l.conv(x, ConvSpec.of(6, 5).bias())), 2, 2, 0);
        x = l.avgPool(l.tanh(l.conv(x, ConvSpec.of(16, 5).bias())), 2, 2, 0);
        x = l.flatten(x);
        x = l.tanh(l.linear(x, 120));
        x = l.tanh(l.linear(x, 84));
        l.output(l.linear(x, 10));
        return l.model();
    }
}
