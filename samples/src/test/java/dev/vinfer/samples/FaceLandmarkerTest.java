package dev.vinfer.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.samples.vision.Box;
import dev.vinfer.testdata.SharedData;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The landmark app on astronaut.png: exactly one face, its box within IoU 0.9 and its 468 points within 1 pixel
 * of the same pipeline run on ONNX Runtime.
 */
class FaceLandmarkerTest {

    private static Path meshModel() {
        return SharedData.require("models/mediapipe-face-landmark/face_landmark_barracuda.onnx");
    }

    private static List<FaceLandmarker.FaceMesh> onOrt(BufferedImage img) {
        try (FaceLandmarker f = new FaceLandmarker(new FaceDetector(new OrtRunner(FaceDetectorTest.detectorModel())),
                new OrtRunner(meshModel()))) {
            return f.detect(img);
        }
    }

    @Test
    void pipelineOnOnnxRuntimePutsTheMeshOnTheFace() throws Exception {
        List<FaceLandmarker.FaceMesh> faces = onOrt(FaceDetectorTest.image("astronaut.png"));
        assertEquals(1, faces.size());
        FaceLandmarker.FaceMesh m = faces.get(0);
        assertEquals(468, m.landmarks().length);
        assertTrue(m.presence() > 0.99f, "mesh face presence " + m.presence());
        Box b = m.face().box();
        // The detector's box is tight; allow 10% for the jaw line and the forehead.
        Box slack = new Box(b.x1() - 0.1f * b.width(), b.y1() - 0.1f * b.height(), b.x2() + 0.1f * b.width(),
                b.y2() + 0.1f * b.height());
        for (float[] p : m.landmarks()) {
            assertTrue(p[0] >= slack.x1() && p[0] <= slack.x2() && p[1] >= slack.y1() && p[1] <= slack.y2(),
                    "landmark (" + p[0] + ", " + p[1] + ") outside the face box " + b);
        }
    }

    @Test
    void vinferMatchesOnnxRuntime() throws Exception {
        BufferedImage img = FaceDetectorTest.image("astronaut.png");
        List<FaceLandmarker.FaceMesh> ref = onOrt(img);
        List<FaceLandmarker.FaceMesh> ours;
        try (FaceLandmarker f = FaceLandmarker.open(FaceDetectorTest.detectorModel(), meshModel(),
                new SessionOptions().threads(2))) {
            ours = f.detect(img);
        }
        assertEquals(1, ours.size(), "astronaut.png has exactly one face");
        float iou = ours.get(0).face().box().iou(ref.get(0).face().box());
        assertTrue(iou >= 0.9f, "box IoU with ONNX Runtime " + iou);
        float worst = 0;
        for (int i = 0; i < 468; i++) {
            float[] a = ours.get(0).landmarks()[i];
            float[] r = ref.get(0).landmarks()[i];
            worst = Math.max(worst, (float) Math.hypot(a[0] - r[0], a[1] - r[1]));
        }
        System.out.printf("landmarks vs ONNX Runtime: box IoU %.4f, largest point distance %.4f px%n", iou, worst);
        assertTrue(worst <= 1f, "a landmark is " + worst + " px from ONNX Runtime's");
    }
}
