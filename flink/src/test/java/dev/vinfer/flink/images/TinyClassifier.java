package dev.vinfer.flink.images;

import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;

import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small random-weight image classifier with the input of an ImageNet model ([1,3,224,224]) and 10 classes:
 * fast enough to classify many generated images in a test, and exercising the same pipeline as a real model.
 */
final class TinyClassifier {
    static final int CLASSES = 10;

    private TinyClassifier() {
    }

    static byte[] onnx(long seed) {
        Random r = new Random(seed);
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny-classifier")
                .addInput(tensorInfo("image", DType.FLOAT32, 1, 3, 224, 224))
                .addOutput(tensorInfo("logits", DType.FLOAT32, 1, CLASSES))
                .addInitializer(TensorProtos.encode(Tensor.of(gaussian(r, 16 * 3 * 5 * 5, 0.3), 16, 3, 5, 5), "w1"))
                .addInitializer(TensorProtos.encode(Tensor.of(gaussian(r, 16, 0.1), 16), "b1"))
                .addInitializer(TensorProtos.encode(Tensor.of(gaussian(r, 16 * CLASSES, 1.0), 16, CLASSES), "w2"))
                .addInitializer(TensorProtos.encode(Tensor.of(gaussian(r, CLASSES, 0.1), CLASSES), "b2"));
        g.addNode(node("Conv", new String[] {"image", "w1", "b1"}, new String[] {"c1"},
                intsAttr("kernel_shape", 5, 5), intsAttr("strides", 4, 4), intsAttr("pads", 2, 2, 2, 2)));
        g.addNode(node("Relu", new String[] {"c1"}, new String[] {"r1"}));
        g.addNode(node("GlobalAveragePool", new String[] {"r1"}, new String[] {"p1"}));
        g.addNode(node("Flatten", new String[] {"p1"}, new String[] {"f1"}));
        g.addNode(node("Gemm", new String[] {"f1", "w2", "b2"}, new String[] {"logits"}));
        return Models.model(g.build(), 13).toByteArray();
    }

    /** Class names, some with commas and quotes so the CSV quoting is exercised. */
    static List<String> labels() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < CLASSES; i++) {
            names.add(i % 3 == 0 ? "class " + i + ", with comma" : i % 3 == 1 ? "class \"" + i + "\"" : "c" + i);
        }
        return names;
    }

    private static float[] gaussian(Random r, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return v;
    }
}
