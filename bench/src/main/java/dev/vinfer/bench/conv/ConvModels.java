package dev.vinfer.bench.conv;

import dev.vinfer.conv.ConvGeometry;
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
 * Writes a one-node ONNX model (Conv with constant weights and bias, opset 17) for a geometry, with our own
 * protobuf classes, so vinfer and ONNX Runtime load the very same bytes.
 */
public final class ConvModels {
    private ConvModels() {
    }

    /** Uniform values in [-1, 1) from a seeded generator. */
    public static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    public static int[] inputShape(ConvGeometry g) {
        return shape(g.batch(), g.inChannels(), g.inputDims());
    }

    public static int[] outputShape(ConvGeometry g) {
        return shape(g.batch(), g.outChannels(), g.outputDims());
    }

    /** Weights scaled by 1/sqrt(K) so outputs stay near unit size whatever the layer. */
    public static float[] weights(ConvGeometry g, long seed) {
        float[] w = random(seed, g.weightLength());
        float s = (float) (1 / Math.sqrt(g.reductionLength()));
        for (int i = 0; i < w.length; i++) {
            w[i] *= s;
        }
        return w;
    }

    public static byte[] convModel(ConvGeometry g, float[] weights, float[] bias) {
        int rank = g.rank();
        int[] ws = shape(g.outChannels(), g.inChannelsPerGroup(), g.kernelDims());
        NodeProto.Builder conv = NodeProto.newBuilder().setOpType("Conv").setName("conv").addInput("x")
                .addInput("w").addInput("b").addOutput("y");
        long[] k = new long[rank];
        long[] s = new long[rank];
        long[] d = new long[rank];
        long[] pads = new long[2 * rank];
        for (int i = 0; i < rank; i++) {
            k[i] = g.kernel(i);
            s[i] = g.stride(i);
            d[i] = g.dilation(i);
            pads[i] = g.padBegin(i);
            pads[rank + i] = g.padEnd(i);
        }
        conv.addAttribute(ints("kernel_shape", k)).addAttribute(ints("strides", s)).addAttribute(ints("dilations", d))
                .addAttribute(ints("pads", pads)).addAttribute(AttributeProto.newBuilder().setName("group")
                        .setType(AttributeProto.AttributeType.INT).setI(g.group()));
        GraphProto graph = GraphProto.newBuilder().setName("conv_layer").addNode(conv)
                .addInitializer(TensorProtos.encode(Tensor.of(weights, ws), "w"))
                .addInitializer(TensorProtos.encode(Tensor.of(bias, g.outChannels()), "b"))
                .addInput(info("x", inputShape(g))).addOutput(info("y", outputShape(g))).build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("vinfer-bench").setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build().toByteArray();
    }

    private static int[] shape(int a, int b, int[] rest) {
        int[] s = new int[2 + rest.length];
        s[0] = a;
        s[1] = b;
        System.arraycopy(rest, 0, s, 2, rest.length);
        return s;
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static ValueInfoProto info(String name, int[] dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProtos.onnxTypeOf(DType.FLOAT32)).setShape(s)))
                .build();
    }
}
