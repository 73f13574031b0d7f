package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;

/**
 * ResNet-18 and ResNet-50 as torchvision defines and exports them (He et al. 2015; ResNet-50 "v1.5" with the
 * stride on the 3x3 conv): 7x7/2 stem, 3x3/2 max-pool, four stages of basic (18) or bottleneck (50) blocks with
 * projection shortcuts where the shape changes, global average pool, one fully connected layer.
 */
public final class ResNet {
    private ResNet() {
    }

    /** @param input N x 3 x H x W (224 x 224 classically) */
    public static ModelProto build18(int[] input, long seed) {
        return build("resnet18", input, seed, new int[] {2, 2, 2, 2}, false);
    }

    /** @param input N x 3 x H x W (224 x 224 classically) */
    public static ModelProto build50(int[] input, long seed) {
        return build("resnet50", input, seed, new int[] {3, 4, 6, 3}, true);
    }

    private static ModelProto build(String name, int[] input, long seed, int[] blocks, boolean bottleneck) {
        Layers l = new Layers(name, seed);
        String x = l.input("input", input);
        x = l.relu(l.bn(l.conv(x, 64, 7, 2, 3)));
        x = l.maxPool(x, 3, 2, 1, false);
        for (int stage = 0; stage < 4; stage++) {
            int width = 64 << stage;
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                x = bottleneck ? bottleneckBlock(l, x, width, stride) : basicBlock(l, x, width, stride);
            }
        }
        x = l.flatten(l.globalAvgPool(x));
        l.output(l.linear(x, 1000));
        return l.model();
    }

    /** Two 3x3 conv + BN, plus the identity or a 1x1 projection; then ReLU. Works for 1-D to 3-D inputs. */
    static String basicBlock(Layers l, String x, int width, int stride) {
        String y = l.relu(l.bn(l.conv(x, width, 3, stride, 1)));
        y = l.bn(l.conv(y, width, 3, 1, 1), 0.3f);
        return l.relu(l.add(y, shortcut(l, x, width, stride)));
    }

    /** 1x1 reduce, 3x3 (strided), 1x1 expand by 4, plus shortcut; then ReLU. */
    static String bottleneckBlock(Layers l, String x, int width, int stride) {
        String y = l.relu(l.bn(l.conv(x, width, 1, 1, 0)));
        y = l.relu(l.bn(l.conv(y, width, 3, stride, 1)));
        y = l.bn(l.conv(y, 4 * width, 1, 1, 0), 0.3f);
        return l.relu(l.add(y, shortcut(l, x, 4 * width, stride)));
    }

    private static String shortcut(Layers l, String x, int out, int stride) {
        if (stride == 1 && l.channels(x) == out) {
            return x;
        }
        return l.bn(l.conv(x, out, 1, stride, 0));
    }
}
