package dev.vinfer.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.samples.vision.Box;
import dev.vinfer.samples.vision.Detection;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.testdata.SharedData;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The face detector app: one face on the astronaut and the same boxes as ONNX Runtime. On chelsea.png (a close-up
 * of a cat's face) the 320x240 UltraFace does see faces at the default threshold 0.7: one box over the cat's left
 * eye and cheek (score 0.97) and one over its right eye and nose (0.71); the 640x480 model finds none (best 0.61).
 */
class FaceDetectorTest {

    static Path detectorModel() {
        return SharedData.require("models/ultraface/version-RFB-320.onnx");
    }

    static BufferedImage image(String name) throws Exception {
        return ImageTensors.load(SharedData.require("images/" + name));
    }

    private static List<Detection> onOrt(BufferedImage img) {
        return onOrt(detectorModel(), img);
    }

    private static List<Detection> onOrt(Path model, BufferedImage img) {
        try (FaceDetector d = new FaceDetector(new OrtRunner(model))) {
            return d.detect(img);
        }
    }

    private static List<Detection> onVinfer(BufferedImage img) {
        try (FaceDetector d = FaceDetector.open(detectorModel(), new SessionOptions().threads(2))) {
            return d.detect(img);
        }
    }

    /** The same faces: same count, each box within IoU 0.9 and score within 1e-3. */
    private static void assertSameFaces(List<Detection> ref, List<Detection> ours) {
        assertEquals(ref.size(), ours.size(), "faces: " + ours + " vs ONNX Runtime's " + ref);
        for (int i = 0; i < ref.size(); i++) {
            float iou = ours.get(i).box().iou(ref.get(i).box());
            assertTrue(iou >= 0.9f, "face " + i + ": IoU with ONNX Runtime's box " + iou);
            assertEquals(ref.get(i).score(), ours.get(i).score(), 1e-3f);
        }
    }

    @Test
    void pipelineOnOnnxRuntimeFindsTheAstronautsFaceOnly() throws Exception {
        BufferedImage astronaut = image("astronaut.png");
        List<Detection> faces = onOrt(astronaut);
        System.out.println("astronaut.png on ONNX Runtime: " + faces);
        assertEquals(1, faces.size());
        // SOURCE.txt: ONNX Runtime gives score 1.000 at normalized (0.351, 0.120)-(0.523, 0.340) on 512x512.
        Detection f = faces.get(0);
        assertTrue(f.score() > 0.99f, "score " + f.score());
        assertEquals(0.351f * 512, f.box().x1(), 3);
        assertEquals(0.120f * 512, f.box().y1(), 3);
        assertEquals(0.523f * 512, f.box().x2(), 3);
        assertEquals(0.340f * 512, f.box().y2(), 3);
    }

    @Test
    void pipelineOnOnnxRuntimeOnTheCat() throws Exception {
        BufferedImage cat = image("chelsea.png");
        List<Detection> faces = onOrt(cat);
        System.out.println("chelsea.png on ONNX Runtime: " + faces);
        assertEquals(2, faces.size(), "the 320 model sees two faces in the cat's: " + faces);
        assertEquals(0.97f, faces.get(0).score(), 0.01f);
        assertTrue(faces.get(0).box().iou(new Box(57, 44, 226, 206)) > 0.9f, "left eye and cheek: " + faces);
        assertEquals(0.71f, faces.get(1).score(), 0.01f);
        assertTrue(faces.get(1).box().iou(new Box(233, 0, 399, 235)) > 0.9f, "right eye and nose: " + faces);
        assertEquals(List.of(), onOrt(SharedData.require("models/ultraface/version-RFB-640.onnx"), cat),
                "the 640 model sees no face");
    }

    @Test
    void vinferFindsTheSameFaceAsOnnxRuntime() throws Exception {
        BufferedImage astronaut = image("astronaut.png");
        List<Detection> ours = onVinfer(astronaut);
        System.out.println("astronaut.png on vinfer: " + ours);
        assertEquals(1, ours.size(), "astronaut.png has exactly one face");
        assertSameFaces(onOrt(astronaut), ours);
    }

    @Test
    void vinferSeesWhatOnnxRuntimeSeesOnTheCat() throws Exception {
        BufferedImage cat = image("chelsea.png");
        assertSameFaces(onOrt(cat), onVinfer(cat));
    }
}
