package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import java.util.List;

/**
 * ShuffleNet v2 1.0x (Ma et al. 2018) as torchvision defines it: 3x3/2 stem and max-pool, three stages of 4, 8 and
 * 4 units (116, 232, 464 channels), 1x1 conv to 1024, spatial mean (ReduceMean), one fully connected layer. A unit
 * either splits its input in two halves (Split) and transforms one, or (stride 2) transforms two copies, then
 * concatenates and shuffles channels.
 *
 * <p>The channel shuffle is written the way a tracing exporter without constant folding leaves it: the target
 * shapes of Reshape - Transpose - Reshape are computed from {@code Shape(x)} at run time (Gather, Slice, Concat),
 * so shape arithmetic on static shapes is there for the optimizer to fold.
 */
public final class ShuffleNetV2 {
    private static final int[] UNITS = {4, 8, 4};
    private static final int[] CHANNELS = {116, 232, 464};
    /**
     * BatchNorm scale after the depthwise convs, which no ReLU follows: He init doubles the signal energy of a
     * layer whose ReLU would halve it, so without this the 16 units would grow the logits about a hundredfold.
     */
    private static final float LINEAR_GAIN = 0.7f;

    private ShuffleNetV2() {
    }

    /** @param input N x 3 x H x W (224 x 224 classically) */
    public static ModelProto build(int[] input, long seed) {
        Layers l = new Layers("shufflenetv2", seed);
        String x = l.input("input", input);
        x = l.convBnRelu(x, 24, 3, 2, 1);
        x = l.maxPool(x, 3, 2, 1, false);
        for (int s = 0; s < UNITS.length; s++) {
            for (int u = 0; u < UNITS[s]; u++) {
                x = unit(l, x, CHANNELS[s], u == 0 ? 2 : 1);
            }
        }
        x = l.convBnRelu(x, 1024, 1, 1, 0);
        x = l.reduceMean(x, false, 2, 3);
        l.output(l.linear(x, 1000));
        return l.model();
    }

    private static String unit(Layers l, String x, int out, int stride) {
        int half = out / 2;
        String joined;
        if (stride == 1) {
            int[] xs = l.shape(x);
            int[] hs = xs.clone();
            hs[1] = half;
            String[] parts = l.graph().node("Split", List.of(x, l.graph().longs("split", new long[] {half, half}, 2)),
                    2, Attr.i("axis", 1));
            l.track(parts[0], hs);
            l.track(parts[1], hs);
            joined = l.concat(parts[0], branch(l, parts[1], half, 1));
        } else {
            String left = l.relu(l.bn(l.conv(l.bn(depthwise(l, x, stride), LINEAR_GAIN), half, 1, 1, 0)));
            joined = l.concat(left, branch(l, x, half, stride));
        }
        return channelShuffle(l, joined);
    }

    private static String branch(Layers l, String x, int half, int stride) {
        String y = l.convBnRelu(x, half, 1, 1, 0);
        y = l.bn(depthwise(l, y, stride), LINEAR_GAIN);
        return l.convBnRelu(y, half, 1, 1, 0);
    }

    private static String depthwise(Layers l, String x, int stride) {
        int c = l.channels(x);
        return l.conv(x, ConvSpec.of(c, 3).stride(stride).pad(1).group(c));
    }

    /** N x C x H x W -> N x 2 x C/2 x H x W -> swap the two channel axes -> N x C x H x W. */
    private static String channelShuffle(Layers l, String x) {
        GraphBuilder g = l.graph();
        int[] xs = l.shape(x);
        int c = xs[1];
        String shape = g.node("Shape", List.of(x));
        String n = g.node("Gather", List.of(shape, g.longs("dim0", new long[] {0}, 1)), Attr.i("axis", 0));
        String hw = g.node("Slice", List.of(shape, g.longs("start", new long[] {2}, 1),
                g.longs("end", new long[] {4}, 1)));
        String split = g.node("Concat", List.of(n, g.longs("groups", new long[] {2, c / 2}, 2), hw),
                Attr.i("axis", 0));
        String grouped = l.track(g.node("Reshape", List.of(x, split)), xs[0], 2, c / 2, xs[2], xs[3]);
        String swapped = l.track(g.node("Transpose", List.of(grouped), Attr.ints("perm", 0, 2, 1, 3, 4)),
                xs[0], c / 2, 2, xs[2], xs[3]);
        String merged = g.node("Concat", List.of(n, g.longs("channels", new long[] {c}, 1), hw), Attr.i("axis", 0));
        return l.track(g.node("Reshape", List.of(swapped, merged)), xs);
    }
}
