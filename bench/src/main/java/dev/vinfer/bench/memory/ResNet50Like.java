package dev.vinfer.bench.memory;

import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.OperatorSetIdProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorShapeProto;
import dev.vinfer.onnx.proto.OnnxIr.TypeProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import java.util.Random;

/**
 * A ResNet-50 in the shape torchvision exports it (Conv, BatchNormalization, Relu, MaxPool, bottleneck blocks
 * 3-4-6-3 with residual Add, GlobalAveragePool, Flatten, Gemm), with seeded He-scaled weights: the model the memory
 * benchmarks measure. (The classic-family builder in {@code bench.models} makes the benchmark families; this one is
 * kept small and local to the memory measurements.)
 */
public final class ResNet50Like {
    private final GraphProto.Builder g = GraphProto.newBuilder().setName("resnet50-like");
    private final Random rnd;
    private int counter;

    private ResNet50Like(long seed) {
        this.rnd = new Random(seed);
    }

    /** The model for input {@code [1, 3, size, size]}. */
    public static ModelProto build(int size, long seed) {
        ResNet50Like b = new ResNet50Like(seed);
        b.g.addInput(info("input", 1, 3, size, size));
        String x = b.convBnRelu("input", 3, 64, 7, 2, 3, true);
        x = b.node("MaxPool", new String[] {x}, ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1));
        int in = 64;
        int[] blocks = {3, 4, 6, 3};
        for (int stage = 0; stage < 4; stage++) {
            int width = 64 << stage;
            for (int i = 0; i < blocks[stage]; i++) {
                int stride = i == 0 && stage > 0 ? 2 : 1;
                x = b.bottleneck(x, in, width, stride);
                in = width * 4;
            }
        }
        x = b.node("GlobalAveragePool", new String[] {x});
        x = b.node("Flatten", new String[] {x}, AttributeProto.newBuilder().setName("axis")
                .setType(AttributeProto.AttributeType.INT).setI(1).build());
        String w = b.weight(new int[] {1000, 2048}, 2048);
        String bias = b.constant(new float[1000], 1000);
        String y = b.node("Gemm", new String[] {x, w, bias}, AttributeProto.newBuilder().setName("transB")
                .setType(AttributeProto.AttributeType.INT).setI(1).build());
        b.g.addOutput(info(y, 1, 1000));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("vinfer-bench").setGraph(b.g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build();
    }

    private String bottleneck(String x, int in, int width, int stride) {
        String a = convBnRelu(x, in, width, 1, 1, 0, true);
        String c = convBnRelu(a, width, width, 3, stride, 1, true);
        String d = convBnRelu(c, width, width * 4, 1, 1, 0, false);
        String shortcut = x;
        if (stride != 1 || in != width * 4) {
            shortcut = convBnRelu(x, in, width * 4, 1, stride, 0, false);
        }
        String sum = node("Add", new String[] {d, shortcut});
        return node("Relu", new String[] {sum});
    }

    private String convBnRelu(String x, int in, int out, int k, int stride, int pad, boolean relu) {
        String w = weight(new int[] {out, in, k, k}, in * k * k);
        String c = node("Conv", new String[] {x, w}, ints("kernel_shape", k, k), ints("strides", stride, stride),
                ints("pads", pad, pad, pad, pad));
        float[] scale = new float[out];
        float[] shift = new float[out];
        float[] mean = new float[out];
        float[] var = new float[out];
        for (int i = 0; i < out; i++) {
            scale[i] = 0.5f + rnd.nextFloat() * 0.5f;
            shift[i] = (rnd.nextFloat() - 0.5f) * 0.2f;
            mean[i] = (rnd.nextFloat() - 0.5f) * 0.2f;
            var[i] = 0.5f + rnd.nextFloat();
        }
        String n = node("BatchNormalization", new String[] {c, constant(scale, out), constant(shift, out),
            constant(mean, out), constant(var, out)});
        return relu ? node("Relu", new String[] {n}) : n;
    }

    private String weight(int[] shape, int fanIn) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] w = new float[n];
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < n; i++) {
            w[i] = (float) (rnd.nextGaussian() * std);
        }
        return constant(w, shape);
    }

    private String constant(float[] data, int... shape) {
        String name = "const_" + counter++;
        g.addInitializer(TensorProtos.encode(Tensor.of(data, shape), name));
        return name;
    }

    private String node(String op, String[] inputs, AttributeProto... attrs) {
        String out = op.toLowerCase() + "_" + counter++;
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out).addOutput(out);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        g.addNode(n);
        return out;
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static ValueInfoProto info(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProtos.onnxTypeOf(DType.FLOAT32)).setShape(s)))
                .build();
    }
}
