package dev.vinfer.samples.style;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.testdata.OrtReference;
import dev.vinfer.testdata.SharedData;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The candy style model on chelsea.png against ONNX Runtime: the raw 720 x 720 output within 1e-3 relative L2 (this
 * also pins the old experimental ops ImageScaler, Crop and Affine the opset-7 export carries, and reflect Pad,
 * InstanceNormalization, ConvTranspose), and the picture has the image's size and is not the image.
 */
class StyleTransferTest {
    private static final double BOUND = 1e-3;

    @Test
    void candyMatchesOnnxRuntime() throws Exception {
        Path model = SharedData.require("models/fast-neural-style/candy.onnx");
        BufferedImage img = ImageTensors.load(SharedData.require("images/chelsea.png"));
        try (StyleTransfer st = new StyleTransfer(model, 2, StyleTransfer.Channels.AUTO)) {
            assertTrue(st.bgr(), "candy.onnx documents BGR input");
            Tensor input = st.toInput(img);
            assertEquals("[1, 3, 720, 720]", java.util.Arrays.toString(input.shape()));
            Tensor ours = st.run(input);
            Tensor ref;
            try (OrtReference ort = new OrtReference(model)) {
                ref = ort.run(Map.of("inputImage", input)).get("outputImage");
            }
            double err = OrtReference.relL2(ours, ref);
            System.out.printf(Locale.ROOT, "candy 720x720: relative L2 error vs ONNX Runtime %.3g%n", err);
            assertTrue(err <= BOUND, "relative L2 error " + err);

            BufferedImage styled = st.stylize(img);
            assertEquals(img.getWidth(), styled.getWidth());
            assertEquals(img.getHeight(), styled.getHeight());
            // Restyled, not copied: the mean absolute change per channel is large.
            double diff = 0;
            for (int y = 0; y < img.getHeight(); y += 3) {
                for (int x = 0; x < img.getWidth(); x += 3) {
                    int a = img.getRGB(x, y);
                    int b = styled.getRGB(x, y);
                    for (int s = 0; s < 24; s += 8) {
                        diff += Math.abs(((a >> s) & 0xFF) - ((b >> s) & 0xFF));
                    }
                }
            }
            diff /= (img.getWidth() / 3.0) * (img.getHeight() / 3.0) * 3;
            assertTrue(diff > 20, "mean change " + diff);
        }
    }

    @Test
    void channelOrderComesFromTheModel() {
        assertTrue(StyleTransfer.saysBgr(OnnxModel.load(SharedData.require("models/fast-neural-style/candy.onnx"))
                .proto()));
        assertTrue(!StyleTransfer.saysBgr(OnnxModel.load(SharedData.require("models/mnist-8/mnist-8.onnx")).proto()));
    }

    @Test
    void outputIsClippedAndReordered() {
        Tensor t = Tensor.of(new float[] {-40, 300, 10.4f, Float.NaN, 128, 255.6f}, 1, 3, 1, 2);
        BufferedImage bgr = StyleTransfer.toImage(t, true);
        // BGR planes: blue (-40, 300), green (10.4, NaN), red (128, 255.6).
        assertEquals((128 << 16) | (10 << 8), bgr.getRGB(0, 0) & 0xFFFFFF);
        assertEquals((255 << 16) | 255, bgr.getRGB(1, 0) & 0xFFFFFF);
        BufferedImage rgb = StyleTransfer.toImage(t, false);
        assertEquals((10 << 8) | 128, rgb.getRGB(0, 0) & 0xFFFFFF);
    }
}
