package dev.vinfer.quantization.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.quantization.ImageNetInputs;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.OrtReference;
import dev.vinfer.testdata.SharedData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model-zoo QDQ ShuffleNet-V2 through the fused int8 path against ONNX Runtime on the shared photos. */
class ShuffleNetQdqTest {

    @Test
    void sameTop5AsOrtAndWithinOnePercent() throws Exception {
        Path model = SharedData.require("models/shufflenet-v2-12-qdq/shufflenet-v2-12-qdq.onnx");
        try (Session s = Vinfer.open(model, new SessionOptions().threads(2));
                OrtReference ort = new OrtReference(model)) {
            long fused = s.graph().nodes().stream().map(Node::op).filter(o -> o instanceof QConvOp).count();
            assertTrue(fused == 56, "all 56 convolutions should run fused, got " + fused);
            for (String photo : new String[] {"chelsea.png", "coffee.png"}) {
                Tensor x = ImageNetInputs.load(SharedData.require("images/" + photo));
                Tensor ours = s.run(Map.of("input", x)).get("output");
                Tensor ref = ort.run(Map.of("input", x)).get("output");
                int[] top5 = ImageNetInputs.topK(ours.toFloatArray(), 5);
                int[] refTop5 = ImageNetInputs.topK(ref.toFloatArray(), 5);
                double err = OrtReference.relL2(ours, ref);
                System.out.printf("%s: vinfer top5 %s, ORT top5 %s, rel L2 %.5f%n", photo, Arrays.toString(top5),
                        Arrays.toString(refTop5), err);
                assertArrayEquals(refTop5, top5, photo + " top-5");
                assertTrue(err < 0.01, photo + " relative L2 " + err);
            }
        }
    }
}
