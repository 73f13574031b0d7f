package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;

/**
 * A 3-D ResNet-10 for video clips (Hara et al. 2018, "Can spatiotemporal 3D CNNs retrace the history of 2D CNNs
 * and ImageNet?"): 7x7x7 stem with stride (1, 2, 2), 3x3x3/2 max-pool, one basic block per stage (64, 128, 256,
 * 512 channels; projection shortcuts), global average pool, 400 Kinetics classes.
 */
public final class ResNet3d10 {
    private ResNet3d10() {
    }

    /** @param input N x 3 x T x H x W (16 x 112 x 112 classically) */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("resnet3d10", seed);
        String x = l.input("input", input);
        x = l.relu(l.bn(l.conv(x, ConvSpec.of(64, 7).stride(1, 2, 2).pad(3))));
        x = l.maxPool(x, 3, 2, 1, false);
        for (int stage = 0; stage < 4; stage++) {
            x = ResNet.basicBlock(l, x, 64 << stage, stage == 0 ? 1 : 2);
        }
        x = l.flatten(l.globalAvgPool(x));
        l.output(l.linear(x, 400));
        return l.model();
    }
}
