package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;

/**
 * M5, the 5-layer raw-waveform network of Dai et al. 2017 ("Very deep convolutional neural networks for raw
 * waveforms"): a wide first 1-D conv (80 taps, stride 4, 128 channels) over one second of 16 kHz audio, then
 * 3-tap convs of 128, 256 and 512 channels, each conv followed by BatchNorm, ReLU and a 4x max-pool; global average
 * pool and a fully connected layer to the 35 keywords of Speech Commands.
 */
public final class M5Audio {
    private M5Audio() {
    }

    /** @param input N x 1 x 16000 */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("m5_audio", seed);
        String x = l.input("input", input);
        x = l.maxPool(l.relu(l.bn(l.conv(x, ConvSpec.of(128, 80).stride(4)))), 4, 4, 0, false);
        for (int c : new int[] {128, 256, 512}) {
            x = l.maxPool(l.convBnRelu(x, c, 3, 1, 1), 4, 4, 0, false);
        }
        x = l.flatten(l.globalAvgPool(x));
        l.output(l.linear(x, 35));
        return l.model();
    }
}
