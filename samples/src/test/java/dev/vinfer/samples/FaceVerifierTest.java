package dev.vinfer.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.testdata.SharedData;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Face verification with the shared models (UltraFace RFB-320, MediaPipe face mesh, MobileFaceNet): vinfer's
 * embeddings equal ONNX Runtime's on the same aligned crops; astronaut.png against a mirrored, re-cropped and
 * brightened copy of itself is the same person; the cat photo has no face.
 */
class FaceVerifierTest {
    private static FaceVerifier verifier;

    static Path detector() {
        return SharedData.require("models/ultraface/version-RFB-320.onnx");
    }

    static Path mesh() {
        return SharedData.require("models/mediapipe-face-landmark/face_landmark_barracuda.onnx");
    }

    static Path embedder() {
        return SharedData.require("models/mobilefacenet/MobileFaceNet.onnx");
    }

    @BeforeAll
    static void open() {
        verifier = FaceVerifier.open(detector(), mesh(), embedder(), new SessionOptions().threads(2));
    }

    @AfterAll
    static void close() {
        verifier.close();
    }

    @Test
    void embeddingsMatchOnnxRuntimeOnTheSameCrops() throws Exception {
        BufferedImage img = ImageTensors.load(SharedData.require("images/astronaut.png"));
        FaceVerifier.Face face = verifier.face(img, "astronaut.png", FaceDetector.DEFAULT_THRESHOLD);
        BufferedImage other = ImageTensors.crop(img, 150, 40, 160, 160);
        other = ImageTensors.resize(other, 112, 112);
        try (FaceEmbedder ort = new FaceEmbedder(new OrtRunner(embedder()));
                FaceEmbedder ours = FaceEmbedder.open(embedder(), new SessionOptions().threads(2))) {
            for (BufferedImage crop : new BufferedImage[] {face.aligned().crop(), other}) {
                double c = FaceEmbedder.cosine(ours.embed(crop), ort.embed(crop));
                System.out.printf(Locale.ROOT, "MobileFaceNet embedding, vinfer vs ONNX Runtime: cosine %.7f%n", c);
                assertTrue(c >= 0.9999, "cosine " + c);
            }
        }
    }

    @Test
    void mirroredRecroppedBrightenedCopyIsTheSamePerson() throws Exception {
        BufferedImage img = ImageTensors.load(SharedData.require("images/astronaut.png"));
        BufferedImage copy = brighten(ImageTensors.crop(mirror(img), 60, 10, 400, 380), 1.25f, 20);
        FaceVerifier.Result r = verifier.verify(img, "astronaut.png", copy, "copy", FaceVerifier.DEFAULT_THRESHOLD);
        System.out.printf(Locale.ROOT, "astronaut vs mirrored/re-cropped/brightened copy: cosine %.4f%n", r.cosine());
        assertTrue(r.same(), "cosine " + r.cosine());
        assertTrue(r.cosine() > 0.8, "cosine " + r.cosine());
        // The copy's eye on the image's left is the astronaut's left eye: alignment still puts it on the left.
        double[][] p = r.b().aligned().points();
        assertTrue(p[0][0] < p[1][0] && p[3][0] < p[4][0]);
    }

    @Test
    void theCatHasNoFace() throws Exception {
        BufferedImage cat = ImageTensors.load(SharedData.require("images/chelsea.png"));
        FaceVerifier.NoFaceException e = assertThrows(FaceVerifier.NoFaceException.class,
                () -> verifier.face(cat, "chelsea.png", FaceDetector.DEFAULT_THRESHOLD));
        assertTrue(e.getMessage().startsWith("no face in chelsea.png"), e.getMessage());
    }

    @Test
    void alignmentPutsTheFivePointsOnTheTemplate() throws Exception {
        BufferedImage img = ImageTensors.load(SharedData.require("images/astronaut.png"));
        FaceVerifier.Face face = verifier.face(img, "astronaut.png", FaceDetector.DEFAULT_THRESHOLD);
        FaceAlignment.Aligned a = face.aligned();
        assertEquals(112, a.crop().getWidth());
        // A real face is not the average template, but its points land within a few pixels of it.
        assertTrue(a.rmsError() < 8, "rms " + a.rmsError());
        assertTrue(Math.abs(Math.toDegrees(a.toCrop().angle())) < 15, "upright photo, angle "
                + Math.toDegrees(a.toCrop().angle()));
    }

    static BufferedImage mirror(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(img, img.getWidth(), 0, -img.getWidth(), img.getHeight(), null);
        g.dispose();
        return out;
    }

    static BufferedImage brighten(BufferedImage img, float gain, int offset) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                int q = 0;
                for (int s = 0; s < 24; s += 8) {
                    q |= Math.min(255, Math.round(((p >> s) & 0xFF) * gain) + offset) << s;
                }
                out.setRGB(x, y, q);
            }
        }
        return out;
    }
}
