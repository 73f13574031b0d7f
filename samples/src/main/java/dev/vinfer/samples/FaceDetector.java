package dev.vinfer.samples;

import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.samples.vision.Box;
import dev.vinfer.samples.vision.Detection;
import dev.vinfer.samples.vision.ImagePreset;
import dev.vinfer.samples.vision.NonMaxSuppression;
import dev.vinfer.samples.vision.PointMap;
import dev.vinfer.samples.vision.Scores;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Face detection with an UltraFace model ("Ultra-Light-Fast-Generic-Face-Detector", 320x240 or 640x480): outputs
 * {@code scores [1, N, 2]} (background, face) and {@code boxes [1, N, 4]} (normalized x1, y1, x2, y2, already
 * decoded from the priors). Faces are the boxes scoring above a threshold after greedy non-maximum suppression,
 * in the original image's pixels.
 *
 * <pre>{@code
 * try (FaceDetector d = FaceDetector.open(Path.of("version-RFB-320.onnx"), new SessionOptions())) {
 *     List<Detection> faces = d.detect(ImageTensors.load(Path.of("photo.png")));
 * }
 * }</pre>
 */
public final class FaceDetector implements AutoCloseable {
    /** Face score above which a box counts (UltraFace's own demo uses 0.7). */
    public static final float DEFAULT_THRESHOLD = 0.7f;
    /** Boxes overlapping a better one by more than this IoU are dropped. */
    public static final float DEFAULT_IOU = 0.3f;

    private final ModelRunner runner;
    private final String inputName;
    private final ImagePreset preset;

    /** Opens the detector with vinfer; the input size (320x240 or 640x480) comes from the model. */
    public static FaceDetector open(Path model, SessionOptions options) {
        ImageModels.Opened m = ImageModels.open(model, ImagePreset.named("ultraface"), "face detector", options);
        return new FaceDetector(m.runner());
    }

    /** A detector over any runner (the tests use ONNX Runtime). */
    public FaceDetector(ModelRunner runner) {
        var input = ImageModels.imageInput(runner.inputs(), "face detector");
        this.runner = runner;
        this.inputName = input.name();
        this.preset = ImageModels.fit(ImagePreset.named("ultraface"), input, "face detector");
    }

    /** The pre-processing used (size from the model). */
    public ImagePreset preset() {
        return preset;
    }

    /** Faces with the default threshold and IoU, best first. */
    public List<Detection> detect(BufferedImage img) {
        return detect(img, DEFAULT_THRESHOLD, DEFAULT_IOU);
    }

    /**
     * Faces scoring above {@code threshold}, after greedy NMS at {@code iou}, best first; boxes in {@code img}'s
     * pixels, clipped to the image.
     */
    public List<Detection> detect(BufferedImage img, float threshold, float iou) {
        ImagePreset.Prepared in = preset.prepare(img);
        Map<String, Tensor> out = runner.run(Map.of(inputName, in.tensor()));
        Tensor scores = ImageModels.output(out, "scores", t -> t.rank() == 3 && t.dim(2) == 2, "face detector",
                "scores [1,N,2]");
        Tensor boxes = ImageModels.output(out, "boxes", t -> t.rank() == 3 && t.dim(2) == 4, "face detector",
                "boxes [1,N,4]");
        int n = scores.dim(1);
        if (boxes.dim(1) != n) {
            throw new IllegalArgumentException("face detector gives " + n + " scores but " + boxes.dim(1) + " boxes");
        }
        float[] s = scores.toFloatArray();
        float[] b = boxes.toFloatArray();
        List<Detection> candidates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float face = faceProbability(s[2 * i], s[2 * i + 1]);
            if (face > threshold) {
                candidates.add(new Detection(new Box(b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]), face));
            }
        }
        // Normalized -> model input pixels -> original pixels. IoU does not change under this scaling, so NMS can
        // run before the mapping, on exactly what the model gave.
        PointMap toOriginal = PointMap.ofNormalized(preset.width(), preset.height()).then(in.toOriginal());
        List<Detection> faces = new ArrayList<>();
        for (Detection d : NonMaxSuppression.greedy(candidates, iou)) {
            faces.add(d.withBox(toOriginal.apply(d.box()).clip(img.getWidth(), img.getHeight())));
        }
        return faces;
    }

    /** The face probability of one (background, face) pair: as is when it is a softmax already, else softmaxed. */
    private static float faceProbability(float background, float face) {
        float[] pair = {background, face};
        return Scores.probabilities(pair)[1];
    }

    @Override
    public void close() {
        runner.close();
    }
}
