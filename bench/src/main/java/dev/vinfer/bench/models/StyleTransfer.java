package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;

/**
 * A fast style-transfer network (Johnson et al. 2016, the "TransformerNet" of the PyTorch examples and the ONNX
 * model zoo): reflection-padded convs with InstanceNormalization and ReLU, two stride-2 downsampling convs, five
 * residual blocks, then two 2x upsampling steps - the first as nearest-neighbour Resize + conv (as the original),
 * the second as a ConvTranspose - and a 9x9 conv back to three channels.
 */
public final class StyleTransfer {
    private StyleTransfer() {
    }

    /** @param input N x 3 x H x W (224 x 224 for the zoo models; H and W multiples of 4) */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("style_transfer", seed);
        String x = l.input("input", input);
        x = l.relu(l.instanceNorm(paddedConv(l, x, 32, 9, 1)));
        x = l.relu(l.instanceNorm(paddedConv(l, x, 64, 3, 2)));
        x = l.relu(l.instanceNorm(paddedConv(l, x, 128, 3, 2)));
        for (int r = 0; r < 5; r++) {
            String y = l.relu(l.instanceNorm(paddedConv(l, x, 128, 3, 1)));
            y = l.instanceNorm(paddedConv(l, y, 128, 3, 1));
            x = l.add(x, y);
        }
        x = l.relu(l.instanceNorm(paddedConv(l, l.upsampleNearest(x, 2), 64, 3, 1)));
        x = l.relu(l.instanceNorm(l.convTranspose(x, 32, 3, 2, 1, 1)));
        l.output(paddedConv(l, x, 3, 9, 1));
        return l.model();
    }

    private static String paddedConv(Layers l, String x, int out, int k, int stride) {
        return l.conv(l.reflectPad(x, k / 2), ConvSpec.of(out, k).stride(stride).bias());
    }
}
