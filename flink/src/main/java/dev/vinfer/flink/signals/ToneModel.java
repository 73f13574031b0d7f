package dev.vinfer.flink.signals;

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

/**
 * A small 1-D convolutional model, written here as an ONNX file, that tells which of a few tones a window of
 * audio samples holds. It is a filter bank rather than a trained network, so its answers can be checked:
 * one Hann-windowed sine filter per tone (a matched filter), the squared response averaged over the window (the
 * energy in that band), its logarithm, a linear layer and a softmax.
 *
 * <pre>
 * signal [N,1,L] -> Conv(1->T, K taps) -> Mul(x,x) -> GlobalAveragePool -> Flatten -> Add(eps) -> Log
 *                -> Gemm(T->T) -> Softmax -> probabilities [N,T]
 * </pre>
 * The window length L is free (a symbolic dimension); it must be at least K.
 */
public final class ToneModel {
    /** Sample rate the tones are defined at (Hz). */
    public static final int SAMPLE_RATE = 8000;
    /** The tones (Hz): two octaves apart at most, each class one tone. */
    public static final float[] TONES = {220, 440, 880, 1760};
    /** Filter length: 32 ms at 8 kHz, main lobe about +-62 Hz wide. */
    public static final int TAPS = 256;
    public static final String INPUT = "signal";
    public static final String OUTPUT = "probabilities";

    /** Sharpens the softmax: log-energy differences of a few units should give confident answers. */
    private static final float LOGIT_SCALE = 2f;
    private static final float ENERGY_EPS = 1e-6f;

    private ToneModel() {
    }

    /** The ONNX model file's bytes. */
    public static byte[] onnxBytes() {
        return model().toByteArray();
    }

    static ModelProto model() {
        int t = TONES.length;
        GraphProto.Builder g = GraphProto.newBuilder().setName("tone-filter-bank");
        g.addInput(info(INPUT, "N", 1L, "L"));
        g.addOutput(info(OUTPUT, "N", (long) t));
        g.addInitializer(TensorProtos.encode(Tensor.of(filters(), t, 1, TAPS), "filters"));
        g.addInitializer(TensorProtos.encode(Tensor.of(new float[t], t), "filter_bias"));
        g.addInitializer(TensorProtos.encode(Tensor.of(new float[] {ENERGY_EPS}, 1), "eps"));
        float[] w = new float[t * t];
        for (int i = 0; i < t; i++) {
            w[i * t + i] = LOGIT_SCALE;
        }
        g.addInitializer(TensorProtos.encode(Tensor.of(w, t, t), "dense"));
        g.addInitializer(TensorProtos.encode(Tensor.of(new float[t], t), "dense_bias"));
        g.addNode(node("Conv", new String[] {INPUT, "filters", "filter_bias"}, "response",
                ints("kernel_shape", TAPS)));
        g.addNode(node("Mul", new String[] {"response", "response"}, "power"));
        g.addNode(node("GlobalAveragePool", new String[] {"power"}, "energy3"));
        g.addNode(node("Flatten", new String[] {"energy3"}, "energy", AttributeProto.newBuilder().setName("axis")
                .setType(AttributeProto.AttributeType.INT).setI(1).build()));
        g.addNode(node("Add", new String[] {"energy", "eps"}, "energy_eps"));
        g.addNode(node("Log", new String[] {"energy_eps"}, "log_energy"));
        g.addNode(node("Gemm", new String[] {"log_energy", "dense", "dense_bias"}, "logits"));
        g.addNode(node("Softmax", new String[] {"logits"}, OUTPUT, AttributeProto.newBuilder().setName("axis")
                .setType(AttributeProto.AttributeType.INT).setI(-1).build()));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("vinfer-flink ToneModel").setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build();
    }

    /** One unit-energy Hann-windowed sine per tone, [T, 1, K] row-major. */
    static float[] filters() {
        float[] w = new float[TONES.length * TAPS];
        for (int f = 0; f < TONES.length; f++) {
            double energy = 0;
            double[] taps = new double[TAPS];
            for (int k = 0; k < TAPS; k++) {
                double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * k / (TAPS - 1));
                taps[k] = hann * Math.sin(2 * Math.PI * TONES[f] * k / SAMPLE_RATE);
                energy += taps[k] * taps[k];
            }
            double norm = 1 / Math.sqrt(energy);
            for (int k = 0; k < TAPS; k++) {
                w[f * TAPS + k] = (float) (taps[k] * norm);
            }
        }
        return w;
    }

    private static ValueInfoProto info(String name, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            s.addDim(d instanceof Long v ? TensorShapeProto.Dimension.newBuilder().setDimValue(v)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam((String) d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProtos.onnxTypeOf(DType.FLOAT32)).setShape(s)))
                .build();
    }

    private static NodeProto node(String op, String[] inputs, String output, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + output).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }
}
