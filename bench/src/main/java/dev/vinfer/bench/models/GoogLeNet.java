package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;

/**
 * GoogLeNet / Inception v1 (Szegedy et al. 2014) in the batch-normalized form torchvision exports, with the
 * paper's 5x5 conv in the third branch: nine inception modules of four parallel branches (1x1; 1x1 reduction then
 * 3x3; 1x1 reduction then 5x5; 3x3 max-pool then 1x1 projection) joined by Concat, ceil-mode max-pools between
 * stages, global average pool, dropout, one fully connected layer. No auxiliary classifiers (inference graph).
 */
public final class GoogLeNet {
    /** Per module: 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection. */
    private static final int[][] MODULES = {
        {64, 96, 128, 16, 32, 32}, {128, 128, 192, 32, 96, 64},
        {192, 96, 208, 16, 48, 64}, {160, 112, 224, 24, 64, 64}, {128, 128, 256, 24, 64, 64},
        {112, 144, 288, 32, 64, 64}, {256, 160, 320, 32, 128, 128},
        {256, 160, 320, 32, 128, 128}, {384, 192, 384, 48, 128, 128},
    };

    private GoogLeNet() {
    }

    /** @param input N x 3 x H x W (224 x 224 classically) */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("googlenet", seed);
        String x = l.input("input", input);
        x = l.convBnRelu(x, 64, 7, 2, 3);
        x = l.maxPool(x, 3, 2, 0, true);
        x = l.convBnRelu(x, 64, 1, 1, 0);
        x = l.convBnRelu(x, 192, 3, 1, 1);
        x = l.maxPool(x, 3, 2, 0, true);
        for (int m = 0; m < MODULES.length; m++) {
            x = inception(l, x, MODULES[m]);
            if (m == 1) {
                x = l.maxPool(x, 3, 2, 0, true);
            } else if (m == 6) {
                x = l.maxPool(x, 2, 2, 0, true);
            }
        }
        x = l.dropout(l.flatten(l.globalAvgPool(x)));
        l.output(l.linear(x, 1000));
        return l.model();
    }

    private static String inception(Layers l, String x, int[] c) {
        String b1 = l.convBnRelu(x, c[0], 1, 1, 0);
        String b2 = l.convBnRelu(l.convBnRelu(x, c[1], 1, 1, 0), c[2], 3, 1, 1);
        String b3 = l.convBnRelu(l.convBnRelu(x, c[3], 1, 1, 0), c[4], 5, 1, 2);
        String b4 = l.convBnRelu(l.maxPool(x, 3, 1, 1, true), c[5], 1, 1, 0);
        return l.concat(b1, b2, b3, b4);
    }
}
