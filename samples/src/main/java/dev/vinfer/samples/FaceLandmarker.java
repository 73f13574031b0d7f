package dev.vinfer.samples;

import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.samples.vision.Box;
import dev.vinfer.samples.vision.Detection;
import dev.vinfer.samples.vision.ImagePreset;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.samples.vision.PointMap;
import dev.vinfer.samples.vision.Transformed;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Face landmarks: a {@link FaceDetector} finds the faces, each face is cropped square with a margin and resized
 * to the mesh model's input (192x192 RGB in [0, 1] for MediaPipe Face Mesh), and the mesh model's 468 (x, y, z)
 * points are mapped back to the original image.
 *
 * <pre>{@code
 * try (FaceLandmarker f = FaceLandmarker.open(Path.of("version-RFB-320.onnx"),
 *         Path.of("face_landmark.onnx"), new SessionOptions())) {
 *     for (FaceLandmarker.FaceMesh m : f.detect(photo)) {
 *         float[] noseTip = m.landmarks()[1];
 *     }
 * }
 * }</pre>
 */
public final class FaceLandmarker implements AutoCloseable {
    /** Crop side over the face box's longer side: 1.5 leaves a quarter of the box free on each side. */
    public static final float CROP_SCALE = 1.5f;

    private final FaceDetector detector;
    private final ModelRunner mesh;
    private final String meshInput;
    private final ImagePreset meshPreset;

    /**
     * One face: the detection (box and score in original pixels), the landmarks as {@code [x, y, z]} in original
     * pixels (z in the same scale as x, relative to the face's center depth), the mesh model's face-presence
     * probability (NaN if the model has no such output), and the square region that was cropped.
     */
    public record FaceMesh(Detection face, float[][] landmarks, float presence, Box crop) {
    }

    /** Opens the detector and the mesh model with vinfer; both inputs are checked before import. */
    public static FaceLandmarker open(Path detectorModel, Path meshModel, SessionOptions options) {
        FaceDetector d = FaceDetector.open(detectorModel, options);
        try {
            ImageModels.Opened m = ImageModels.open(meshModel, ImagePreset.named("facemesh"), "face mesh", options);
            return new FaceLandmarker(d, m.runner());
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** A landmarker over any detector and mesh runner (the tests use ONNX Runtime). */
    public FaceLandmarker(FaceDetector detector, ModelRunner mesh) {
        var input = ImageModels.imageInput(mesh.inputs(), "face mesh");
        this.detector = detector;
        this.mesh = mesh;
        this.meshInput = input.name();
        this.meshPreset = ImageModels.fit(ImagePreset.named("facemesh"), input, "face mesh");
    }

    public FaceDetector detector() {
        return detector;
    }

    /** Faces and their landmarks with the detector's default threshold, best face first. */
    public List<FaceMesh> detect(BufferedImage img) {
        return detect(img, FaceDetector.DEFAULT_THRESHOLD);
    }

    /** Faces scoring above {@code threshold} and their landmarks, best face first. */
    public List<FaceMesh> detect(BufferedImage img, float threshold) {
        List<FaceMesh> out = new ArrayList<>();
        for (Detection d : detector.detect(img, threshold, FaceDetector.DEFAULT_IOU)) {
            out.add(landmarks(img, d));
        }
        return out;
    }

    /** The square crop around a face box that the mesh model sees, in original pixels (may extend past the image). */
    public static Box cropRegion(Box face) {
        float side = Math.max(face.width(), face.height()) * CROP_SCALE;
        int x = Math.round(face.centerX() - side / 2);
        int y = Math.round(face.centerY() - side / 2);
        int s = Math.max(1, Math.round(side));
        return new Box(x, y, x + s, y + s);
    }

    /** The landmarks of one detected face. */
    public FaceMesh landmarks(BufferedImage img, Detection face) {
        Box r = cropRegion(face.box());
        int side = Math.round(r.width());
        Transformed crop = ImageTensors.cropResize(img, Math.round(r.x1()), Math.round(r.y1()), side, side,
                meshPreset.width(), meshPreset.height());
        Map<String, Tensor> out = mesh.run(Map.of(meshInput, ImageTensors.toTensor(crop.image(),
                meshPreset.channels(), meshPreset.layout(), meshPreset.norm())));
        Tensor pts = ImageModels.output(out, "conv2d_20", t -> t.size() >= 3 && t.size() % 3 == 0 && t.size() > 3,
                "face mesh", "landmarks [1,1404,1,1]");
        Tensor logit = out.get("conv2d_30");
        if (logit == null) {
            logit = out.values().stream().filter(t -> t.size() == 1).findFirst().orElse(null);
        }
        PointMap back = crop.toOriginal();
        float[] v = pts.toFloatArray();
        float[][] landmarks = new float[v.length / 3][];
        for (int i = 0; i < landmarks.length; i++) {
            landmarks[i] = new float[] {(float) back.x(v[3 * i]), (float) back.y(v[3 * i + 1]),
                (float) (v[3 * i + 2] * back.scaleX())};
        }
        float presence = logit == null ? Float.NaN : ImageModels.sigmoid(logit.getFloat(0));
        return new FaceMesh(face, landmarks, presence, r);
    }

    @Override
    public void close() {
        try {
            detector.close();
        } finally {
            mesh.close();
        }
    }
}
