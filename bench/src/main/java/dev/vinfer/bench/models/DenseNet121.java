package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import java.util.ArrayList;
import java.util.List;

/**
 * DenseNet-121 (Huang et al. 2017) as torchvision exports it: 7x7/2 stem, four dense blocks of 6, 12, 24 and 16
 * layers (growth 32, bottleneck 4 x 32) where every layer reads the Concat of all earlier feature maps of its
 * block, with pre-activation (BatchNorm + ReLU before each conv, so those BatchNorms cannot fold into a preceding
 * conv), transitions that halve channels and 2x2 average-pool, final BatchNorm + ReLU, global average pool, FC.
 */
public final class DenseNet121 {
    private static final int[] BLOCKS = {6, 12, 24, 16};
    private static final int GROWTH = 32;

    private DenseNet121() {
    }

    /** @param input N x 3 x H x W (224 x 224 classically) */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("densenet121", seed);
        String x = l.input("input", input);
        x = l.convBnRelu(x, 64, 7, 2, 3);
        x = l.maxPool(x, 3, 2, 1, false);
        for (int b = 0; b < BLOCKS.length; b++) {
            List<String> features = new ArrayList<>(List.of(x));
            for (int i = 0; i < BLOCKS[b]; i++) {
                String in = features.size() == 1 ? features.get(0) : l.concat(features.toArray(String[]::new));
                String y = l.conv(l.relu(l.bn(in)), 4 * GROWTH, 1, 1, 0);
                y = l.conv(l.relu(l.bn(y)), GROWTH, 3, 1, 1);
                features.add(y);
            }
            x = l.concat(features.toArray(String[]::new));
            if (b < BLOCKS.length - 1) {
                x = l.avgPool(l.conv(l.relu(l.bn(x)), l.channels(x) / 2, 1, 1, 0), 2, 2, 0);
            }
        }
        x = l.flatten(l.globalAvgPool(l.relu(l.bn(x))));
        l.output(l.linear(x, 1000));
        return l.model();
    }
}
