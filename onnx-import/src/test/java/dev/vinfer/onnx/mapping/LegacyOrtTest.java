package dev.vinfer.onnx.mapping;

import static dev.vinfer.testdata.Models.floatAttr;
import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.model;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.OrtReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experimental ops of opset 7 exports (ImageScaler, Crop with and without scale, Affine with and without its
 * attributes) against ONNX Runtime, which still runs them, on one model.
 */
class LegacyOrtTest {
    @TempDir
    Path tmp;

    @Test
    void imageScalerCropAffineMatchOnnxRuntime() throws Exception {
        AttributeProto bias = AttributeProto.newBuilder().setName("bias").setType(AttributeProto.AttributeType.FLOATS)
                .addFloats(-1f).addFloats(0.5f).addFloats(2f).build();
        GraphProto g = GraphProto.newBuilder().setName("legacy")
                .addInput(tensorInfo("x", DType.FLOAT32, 2, 3, 7, 9))
                .addNode(node("ImageScaler", new String[] {"x"}, new String[] {"s"}, floatAttr("scale", 0.25f), bias))
                .addNode(node("Crop", new String[] {"s"}, new String[] {"c1"}, intsAttr("border", 1, 2, 3, 1)))
                .addNode(node("Crop", new String[] {"s"}, new String[] {"c2"}, intsAttr("border", 2, 1, 0, 0),
                        intsAttr("scale", 4, 5)))
                .addNode(node("Affine", new String[] {"c1"}, new String[] {"a1"}, floatAttr("alpha", -1.5f),
                        floatAttr("beta", 0.75f)))
                .addNode(node("Affine", new String[] {"c2"}, new String[] {"a2"}))
                .addOutput(tensorInfo("a1", DType.FLOAT32, 2, 3, 4, 5))
                .addOutput(tensorInfo("a2", DType.FLOAT32, 2, 3, 4, 5)).build();
        byte[] bytes = model(g, 7).toByteArray();
        Path file = tmp.resolve("legacy.onnx");
        Files.write(file, bytes);
        Random rnd = new Random(11);
        float[] x = new float[2 * 3 * 7 * 9];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() * 10 - 5;
        }
        Map<String, Tensor> feed = Map.of("x", Tensor.of(x, 2, 3, 7, 9));
        Map<String, Tensor> want;
        try (OrtReference ort = new OrtReference(file)) {
            want = ort.run(feed);
        }
        try (Session s = Vinfer.open(bytes, new SessionOptions())) {
            Map<String, Tensor> got = s.run(feed);
            for (String o : new String[] {"a1", "a2"}) {
                assertArrayEquals(want.get(o).shape(), got.get(o).shape(), o);
                assertTrue(OrtReference.relL2(got.get(o), want.get(o)) < 1e-6, o);
            }
        }
    }
}
