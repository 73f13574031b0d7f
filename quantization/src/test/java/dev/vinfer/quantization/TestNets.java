package dev.vinfer.quantization;

import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.intsAttr;

import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.Models;
import java.util.Random;

/**
 * Small classic-family float models for the quantizer tests, with He-initialized random weights (batch norm
 * already folded, as exported inference models have it): a ResNet-like bottleneck network and a MobileNetV2-like
 * inverted-residual network, both ending in global average pooling and a fully connected classifier.
 */
public final class TestNets {
    private final GraphProto.Builder g = GraphProto.newBuilder().setName("net");
    private final Random rnd;
    private int counter;

    private TestNets(long seed) {
        rnd = new Random(seed);
    }

    /**
     * ResNet-like: stem conv s2 + BatchNormalization + maxpool, bottleneck blocks (1x1, 3x3, 1x1 + shortcut, each
     * conv followed by BatchNormalization as exported from training frameworks), GAP, Gemm.
     */
    public static ModelProto resnetLike(int size, int classes, long seed) {
        TestNets n = new TestNets(seed);
        n.g.addInput(Models.tensorInfo("input", DType.FLOAT32, 1, 3, size, size));
        String x = n.relu(n.bn(n.conv("input", 3, 16, 3, 2, 1, 1), 16));
        x = n.node("MaxPool", new String[] {x}, intsAttr("kernel_shape", 3, 3), intsAttr("strides", 2, 2),
                intsAttr("pads", 1, 1, 1, 1));
        int c = 16;
        int[][] stages = {{8, 32, 1}, {16, 64, 2}, {32, 128, 2}};
        for (int[] s : stages) {
            for (int b = 0; b < 2; b++) {
                int stride = b == 0 ? s[2] : 1;
                String h = n.relu(n.bn(n.conv(x, c, s[0], 1, 1, 0, 1), s[0]));
                h = n.relu(n.bn(n.conv(h, s[0], s[0], 3, stride, 1, 1), s[0]));
                h = n.bn(n.conv(h, s[0], s[1], 1, 1, 0, 1), s[1]);
                String shortcut = b == 0 ? n.conv(x, c, s[1], 1, stride, 0, 1) : x;
                x = n.relu(n.node("Add", new String[] {h, shortcut}));
                c = s[1];
            }
        }
        return n.head(x, c, classes);
    }

    /** MobileNetV2-like: stem conv + Relu6, inverted residuals (1x1 expand, 3x3 depthwise, 1x1 project), GAP, Gemm. */
    public static ModelProto mobilenetV2Like(int size, int classes, long seed) {
        TestNets n = new TestNets(seed);
        n.g.addInput(Models.tensorInfo("input", DType.FLOAT32, 1, 3, size, size));
        String x = n.relu6(n.conv("input", 3, 16, 3, 2, 1, 1));
        int c = 16;
        int[][] blocks = {{16, 1, 1}, {24, 6, 2}, {24, 6, 1}, {32, 6, 2}, {32, 6, 1}, {64, 6, 2}};
        for (int[] b : blocks) {
            int hidden = c * b[1];
            String h = x;
            if (b[1] != 1) {
                h = n.relu6(n.conv(h, c, hidden, 1, 1, 0, 1));
            }
            h = n.relu6(n.conv(h, hidden, hidden, 3, b[2], 1, hidden));
            h = n.conv(h, hidden, b[0], 1, 1, 0, 1);
            x = b[2] == 1 && c == b[0] ? n.node("Add", new String[] {h, x}) : h;
            c = b[0];
        }
        x = n.relu6(n.conv(x, c, 256, 1, 1, 0, 1));
        return n.head(x, 256, classes);
    }

    private ModelProto head(String x, int c, int classes) {
        String p = node("GlobalAveragePool", new String[] {x});
        String f = node("Flatten", new String[] {p}, intAttr("axis", 1));
        String w = init("fc_w", randn(new int[] {classes, c}, Math.sqrt(1.0 / c)), classes, c);
        String b = init("fc_b", randn(new int[] {classes}, 0.01), classes);
        g.addNode(Models.node("Gemm", new String[] {f, w, b}, new String[] {"logits"}, intAttr("transB", 1))
                .toBuilder().setName("fc"));
        g.addOutput(Models.tensorInfo("logits", DType.FLOAT32, 1, classes));
        return Models.model(g.build(), 13);
    }

    private String conv(String x, int cin, int cout, int k, int stride, int pad, int group) {
        int fanIn = cin / group * k * k;
        String name = "conv" + (++counter);
        String w = init(name + "_w", randn(new int[] {cout, cin / group, k, k}, Math.sqrt(2.0 / fanIn)), cout,
                cin / group, k, k);
        String b = init(name + "_b", randn(new int[] {cout}, 0.05), cout);
        g.addNode(Models.node("Conv", new String[] {x, w, b}, new String[] {name + "_out"},
                intsAttr("kernel_shape", k, k), intsAttr("strides", stride, stride),
                intsAttr("pads", pad, pad, pad, pad), intAttr("group", group)).toBuilder().setName(name));
        return name + "_out";
    }

    /** BatchNormalization with random statistics (gamma near 1, small shift, variance near 1). */
    private String bn(String x, int c) {
        String p = "bn" + (++counter);
        float[] gamma = new float[c];
        float[] beta = new float[c];
        float[] mean = new float[c];
        float[] var = new float[c];
        for (int i = 0; i < c; i++) {
            gamma[i] = (float) (0.8 + 0.4 * rnd.nextDouble());
            beta[i] = (float) (0.1 * rnd.nextGaussian());
            mean[i] = (float) (0.1 * rnd.nextGaussian());
            var[i] = (float) (0.5 + rnd.nextDouble());
        }
        return node("BatchNormalization", new String[] {x, init(p + "_g", gamma, c), init(p + "_b", beta, c),
            init(p + "_m", mean, c), init(p + "_v", var, c)});
    }

    private String relu(String x) {
        return node("Relu", new String[] {x});
    }

    private String relu6(String x) {
        String lo = init("clip_lo_" + (++counter), new float[] {0f});
        String hi = init("clip_hi_" + counter, new float[] {6f});
        return node("Clip", new String[] {x, lo, hi});
    }

    private String node(String op, String[] in, dev.vinfer.onnx.proto.OnnxIr.AttributeProto... attrs) {
        String out = op.toLowerCase() + (++counter);
        NodeProto n = Models.node(op, in, new String[] {out}, attrs).toBuilder().setName(out).build();
        g.addNode(n);
        return out;
    }

    private String init(String name, float[] v, int... shape) {
        g.addInitializer(TensorProtos.encode(Tensor.of(v, shape), name));
        return name;
    }

    private float[] randn(int[] shape, double std) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * std);
        }
        return v;
    }

    /** A smooth random image-like input [1, 3, size, size]: a few random blobs over noise, roughly unit scale. */
    public static Tensor input(int size, Random rnd) {
        float[] d = new float[3 * size * size];
        double[][] blobs = new double[4][];
        for (int b = 0; b < blobs.length; b++) {
            blobs[b] = new double[] {rnd.nextDouble() * size, rnd.nextDouble() * size, 2 + rnd.nextDouble() * size
                    / 3, rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
        }
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double v = 0.3 * rnd.nextGaussian();
                    for (double[] b : blobs) {
                        double dx = (x - b[0]) / b[2];
                        double dy = (y - b[1]) / b[2];
                        v += b[3 + ch] * Math.exp(-(dx * dx + dy * dy));
                    }
                    d[(ch * size + y) * size + x] = (float) v;
                }
            }
        }
        return Tensor.of(d, 1, 3, size, size);
    }

}
