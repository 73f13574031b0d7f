package dev.vinfer.bench.models;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.StringStringEntryProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Neural-network layers written as the ONNX nodes an exporter (PyTorch, opset 13) emits for them, with seeded
 * weights from {@link Weights}. Tracks every value's shape, so a family only names output channels and kernel
 * geometry, and classifier widths follow from the input size. Conv layers have no bias when a
 * BatchNormalization follows (as exported), so the optimizer has something to fold.
 */
public final class Layers {
    /** The opset every family is written for. */
    public static final int OPSET = 13;

    private final GraphBuilder g;
    private final Weights w;
    private final Map<String, int[]> shapes = new HashMap<>();
    private long macs;

    public Layers(String graphName, long seed) {
        this.g = new GraphBuilder(graphName);
        this.w = new Weights(seed);
    }

    public GraphBuilder graph() {
        return g;
    }

    public Weights weights() {
        return w;
    }

    public int[] shape(String v) {
        int[] s = shapes.get(v);
        if (s == null) {
            throw new IllegalArgumentException("no shape tracked for " + v);
        }
        return s.clone();
    }

    public int channels(String v) {
        return shape(v)[1];
    }

    /** Records the shape of a value made with raw {@link GraphBuilder} nodes. */
    public String track(String v, int... shape) {
        shapes.put(v, shape.clone());
        return v;
    }

    /** A float input with fixed dims. */
    public String input(String name, int... dims) {
        Object[] d = Arrays.stream(dims).boxed().toArray();
        return track(g.input(name, d), dims);
    }

    /** A float input declared with some symbolic dims (Strings); {@code nominal} is the shape used for tracking. */
    public String input(String name, Object[] declared, int[] nominal) {
        return track(g.input(name, declared), nominal);
    }

    public void output(String v) {
        Object[] d = Arrays.stream(shape(v)).boxed().toArray();
        g.output(v, d);
    }

    public void output(String v, Object... declared) {
        g.output(v, declared);
    }

    /** The model, with its multiply-accumulate count (convs and Gemms) as metadata {@value #MACS_KEY}. */
    public ModelProto model() {
        return g.model(OPSET).toBuilder().addMetadataProps(StringStringEntryProto.newBuilder().setKey(MACS_KEY)
                .setValue(Long.toString(macs))).build();
    }

    /** Metadata key of the model's multiply-accumulates per run, so reports can state GFLOP/s. */
    public static final String MACS_KEY = "vinfer.bench.macs";

    /** Multiply-accumulates of the convs and Gemms added so far. */
    public long macs() {
        return macs;
    }

    // ---------------------------------------------------------------- convolution

    public String conv(String x, ConvSpec c) {
        int[] xs = shape(x);
        int rank = xs.length - 2;
        int cin = xs[1];
        if (cin % c.group != 0 || c.outChannels % c.group != 0) {
            throw new IllegalArgumentException("group " + c.group + " does not divide " + cin + " -> " + c.outChannels);
        }
        int[] k = c.kernel(rank);
        int[] s = c.strides(rank);
        int[] p = c.pads(rank);
        int fanIn = cin / c.group;
        int[] wShape = new int[rank + 2];
        wShape[0] = c.outChannels;
        wShape[1] = cin / c.group;
        for (int i = 0; i < rank; i++) {
            fanIn *= k[i];
            wShape[i + 2] = k[i];
        }
        List<String> in = new ArrayList<>(List.of(x, g.floats("conv_w", w.heNormal(count(wShape), fanIn), wShape)));
        if (c.bias) {
            in.add(g.floats("conv_b", w.bias(c.outChannels, fanIn), c.outChannels));
        }
        String y = g.node("Conv", in, Attr.ints("kernel_shape", k), Attr.ints("strides", s),
                Attr.ints("pads", twice(p)), Attr.ints("dilations", ones(rank)), Attr.i("group", c.group));
        int[] ys = xs.clone();
        ys[1] = c.outChannels;
        for (int i = 0; i < rank; i++) {
            ys[i + 2] = (xs[i + 2] + 2 * p[i] - k[i]) / s[i] + 1;
        }
        macs += (long) count(ys) * fanIn;
        return track(y, ys);
    }

    /** A 2-D (or 1-D/3-D, following the input) square conv without bias. */
    public String conv(String x, int cout, int k, int stride, int pad) {
        return conv(x, ConvSpec.of(cout, k).stride(stride).pad(pad));
    }

    /** Conv + BatchNormalization + Relu, the unit of most modern families. */
    public String convBnRelu(String x, int cout, int k, int stride, int pad) {
        return relu(bn(conv(x, cout, k, stride, pad)));
    }

    /** ConvTranspose with bias, symmetric pads and output_padding. */
    public String convTranspose(String x, int cout, int k, int stride, int pad, int outputPadding) {
        int[] xs = shape(x);
        int rank = xs.length - 2;
        int cin = xs[1];
        int[] wShape = new int[rank + 2];
        wShape[0] = cin;
        wShape[1] = cout;
        int fanIn = cin;
        for (int i = 0; i < rank; i++) {
            wShape[i + 2] = k;
            fanIn *= k;
        }
        // Each output pixel sees about cin * (k/stride)^rank weights; scale He init by that to keep the variance.
        double perOutput = cin * Math.pow((double) k / stride, rank);
        float[] weights = w.normal(count(wShape), 0, Math.sqrt(2 / perOutput));
        String y = g.node("ConvTranspose", List.of(x, g.floats("deconv_w", weights, wShape),
                g.floats("deconv_b", w.bias(cout, fanIn), cout)),
                Attr.ints("kernel_shape", fill(rank, k)), Attr.ints("strides", fill(rank, stride)),
                Attr.ints("pads", fill(2 * rank, pad)), Attr.ints("output_padding", fill(rank, outputPadding)));
        int[] ys = xs.clone();
        ys[1] = cout;
        for (int i = 0; i < rank; i++) {
            ys[i + 2] = (xs[i + 2] - 1) * stride - 2 * pad + k + outputPadding;
        }
        macs += (long) count(xs) * fanIn / cin * cout;
        return track(y, ys);
    }

    // ---------------------------------------------------------------- normalization

    /** BatchNormalization with non-trivial statistics (running mean, variance, scale and shift all random). */
    public String bn(String x) {
        return bn(x, 1f);
    }

    /**
     * BatchNormalization whose scale is about {@code gammaScale}: residual branches use a small one, as trained
     * ResNets do, so the residual stream does not grow with depth.
     */
    public String bn(String x, float gammaScale) {
        int c = channels(x);
        String scale = g.floats("bn_scale", w.uniform(c, 0.6 * gammaScale, 1.4 * gammaScale), c);
        String bias = g.floats("bn_bias", w.normal(c, 0, 0.1), c);
        String mean = g.floats("bn_mean", w.normal(c, 0, 0.3), c);
        String var = g.floats("bn_var", w.uniform(c, 0.5, 2.0), c);
        return track(g.node("BatchNormalization", List.of(x, scale, bias, mean, var), Attr.f("epsilon", 1e-5f),
                Attr.f("momentum", 0.9f)), shape(x));
    }

    public String instanceNorm(String x) {
        int c = channels(x);
        return track(g.node("InstanceNormalization", List.of(x, g.floats("in_scale", w.uniform(c, 0.6, 1.4), c),
                g.floats("in_bias", w.normal(c, 0, 0.1), c)), Attr.f("epsilon", 1e-5f)), shape(x));
    }

    /** Local response normalization across channels (AlexNet). */
    public String lrn(String x, int size, float alpha, float beta, float bias) {
        return track(g.node("LRN", List.of(x), Attr.i("size", size), Attr.f("alpha", alpha), Attr.f("beta", beta),
                Attr.f("bias", bias)), shape(x));
    }

    // ---------------------------------------------------------------- activations

    public String relu(String x) {
        return unary("Relu", x);
    }

    public String tanh(String x) {
        return unary("Tanh", x);
    }

    /** ReLU6 as exporters write it since opset 11: Clip with min and max inputs. */
    public String relu6(String x) {
        return track(g.node("Clip", List.of(x, g.floats("clip_min", new float[] {0f}),
                g.floats("clip_max", new float[] {6f}))), shape(x));
    }

    /** Dropout in an inference graph: an identity the optimizer should remove. */
    public String dropout(String x) {
        return unary("Dropout", x);
    }

    private String unary(String op, String x) {
        return track(g.node(op, List.of(x)), shape(x));
    }

    // ---------------------------------------------------------------- pooling and shapes

    public String maxPool(String x, int k, int stride, int pad, boolean ceil) {
        return pool("MaxPool", x, k, stride, pad, ceil);
    }

    /** AveragePool; with pads, the padding is not counted (count_include_pad 0). */
    public String avgPool(String x, int k, int stride, int pad) {
        return pool("AveragePool", x, k, stride, pad, false);
    }

    private String pool(String op, String x, int k, int stride, int pad, boolean ceil) {
        int[] xs = shape(x);
        int rank = xs.length - 2;
        String y = g.node(op, List.of(x), Attr.ints("kernel_shape", fill(rank, k)),
                Attr.ints("strides", fill(rank, stride)), Attr.ints("pads", fill(2 * rank, pad)),
                Attr.i("ceil_mode", ceil ? 1 : 0));
        int[] ys = xs.clone();
        for (int i = 0; i < rank; i++) {
            int span = xs[i + 2] + 2 * pad - k;
            ys[i + 2] = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        }
        return track(y, ys);
    }

    public String globalAvgPool(String x) {
        int[] ys = shape(x);
        Arrays.fill(ys, 2, ys.length, 1);
        return track(g.node("GlobalAveragePool", List.of(x)), ys);
    }

    /** ReduceMean over {@code axes} (opset 13: axes as an attribute). */
    public String reduceMean(String x, boolean keepDims, int... axes) {
        int[] xs = shape(x);
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) {
            final int axis = i;
            boolean reduced = Arrays.stream(axes).anyMatch(a -> a == axis);
            if (!reduced) {
                dims.add(xs[i]);
            } else if (keepDims) {
                dims.add(1);
            }
        }
        return track(g.node("ReduceMean", List.of(x), Attr.ints("axes", axes), Attr.i("keepdims", keepDims ? 1 : 0)),
                dims.stream().mapToInt(Integer::intValue).toArray());
    }

    public String flatten(String x) {
        int[] xs = shape(x);
        return track(g.node("Flatten", List.of(x), Attr.i("axis", 1)), xs[0], count(xs) / xs[0]);
    }

    /** A fully connected layer as exporters write it: Gemm with transposed weights [out, in] and a bias. */
    public String linear(String x, int out) {
        int in = shape(x)[1];
        String wt = g.floats("fc_w", w.heNormal(out * in, in), out, in);
        String b = g.floats("fc_b", w.bias(out, in), out);
        macs += (long) shape(x)[0] * in * out;
        return track(g.node("Gemm", List.of(x, wt, b), Attr.f("alpha", 1f), Attr.f("beta", 1f), Attr.i("transB", 1)),
                shape(x)[0], out);
    }

    public String concat(String... xs) {
        int[] ys = shape(xs[0]);
        ys[1] = 0;
        for (String x : xs) {
            ys[1] += channels(x);
        }
        return track(g.node("Concat", List.of(xs), Attr.i("axis", 1)), ys);
    }

    public String add(String a, String b) {
        return track(g.node("Add", List.of(a, b)), shape(a));
    }

    /** Mirror padding of every spatial dim by {@code p} (opset 11+: pads as an int64 input). */
    public String reflectPad(String x, int p) {
        int[] xs = shape(x);
        long[] pads = new long[2 * xs.length];
        int[] ys = xs.clone();
        for (int i = 2; i < xs.length; i++) {
            pads[i] = p;
            pads[xs.length + i] = p;
            ys[i] += 2 * p;
        }
        return track(g.node("Pad", List.of(x, g.longs("pads", pads, pads.length)), Attr.s("mode", "reflect")), ys);
    }

    /** Nearest-neighbour upsampling by an integer factor, as PyTorch exports {@code Upsample(mode='nearest')}. */
    public String upsampleNearest(String x, int factor) {
        int[] xs = shape(x);
        float[] scales = new float[xs.length];
        int[] ys = xs.clone();
        for (int i = 0; i < xs.length; i++) {
            scales[i] = i < 2 ? 1f : factor;
            ys[i] = i < 2 ? xs[i] : xs[i] * factor;
        }
        return track(g.node("Resize", List.of(x, "", g.floats("scales", scales, scales.length)),
                Attr.s("mode", "nearest"), Attr.s("coordinate_transformation_mode", "asymmetric"),
                Attr.s("nearest_mode", "floor")), ys);
    }

    static int count(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static int[] fill(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    private static int[] ones(int n) {
        return fill(n, 1);
    }

    private static int[] twice(int[] p) {
        int[] r = new int[2 * p.length];
        System.arraycopy(p, 0, r, 0, p.length);
        System.arraycopy(p, 0, r, p.length, p.length);
        return r;
    }
}
