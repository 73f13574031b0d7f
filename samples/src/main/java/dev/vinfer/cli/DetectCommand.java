package dev.vinfer.cli;

import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.samples.FaceDetector;
import dev.vinfer.samples.Json;
import dev.vinfer.samples.vision.Annotator;
import dev.vinfer.samples.vision.Detection;
import dev.vinfer.samples.vision.ImageTensors;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vinfer detect}: faces in a photo with an UltraFace detector; optional annotated PNG. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Find faces with an UltraFace detector (version-RFB-320/640.onnx); boxes in image pixels.")
final class DetectCommand implements Callable<Integer> {
    @Option(names = "--detector", required = true, paramLabel = "D.onnx", description = "UltraFace model.")
    Path detector;

    @Option(names = "--out", paramLabel = "OUT.png", description = "Write the image with the faces drawn on it.")
    Path out;

    @Option(names = "--json", description = "Print {\"image\", \"faces\": [{\"box\": [x1,y1,x2,y2], \"score\"}]}.")
    boolean json;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.7",
            description = "Minimum face score (default ${DEFAULT-VALUE}).")
    float threshold;

    @Option(names = "--iou", paramLabel = "IOU", defaultValue = "0.3",
            description = "Non-maximum suppression IoU (default ${DEFAULT-VALUE}).")
    float iou;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads (default: all cores).")
    Integer threads;

    @Parameters(paramLabel = "IMAGE", description = "PNG, JPEG, GIF or BMP file.")
    Path image;

    @Override
    public Integer call() throws Exception {
        checkFraction("--threshold", threshold);
        checkFraction("--iou", iou);
        BufferedImage img = ImageTensors.load(image);
        List<Detection> faces;
        try (FaceDetector d = FaceDetector.open(detector, options(threads))) {
            faces = d.detect(img, threshold, iou);
        }
        if (json) {
            StringBuilder b = new StringBuilder("{\"image\": ").append(Json.str(image.toString()))
                    .append(", \"faces\": [");
            for (int i = 0; i < faces.size(); i++) {
                b.append(i == 0 ? "{" : ", {").append(faceFields(faces.get(i))).append('}');
            }
            System.out.println(b.append("]}"));
        } else {
            System.out.println(image + ": " + faces.size() + (faces.size() == 1 ? " face" : " faces"));
            for (int i = 0; i < faces.size(); i++) {
                System.out.println("  " + faceText(i, faces.get(i)));
            }
        }
        if (out != null) {
            Annotator a = Annotator.copyOf(img);
            for (int i = 0; i < faces.size(); i++) {
                Detection f = faces.get(i);
                a.box(f.box(), Annotator.color(0), String.format(Locale.ROOT, "face %.2f", f.score()));
            }
            ImageTensors.writePng(a.image(), out);
            (json ? System.err : System.out).println("wrote " + out);
        }
        return 0;
    }

    /** The {@code "box"} and {@code "score"} members of a face's JSON object. */
    static String faceFields(Detection f) {
        return "\"box\": " + Json.array(f.box().toArray(), 2) + ", \"score\": " + Json.num(f.score(), 6);
    }

    static String faceText(int i, Detection f) {
        return String.format(Locale.ROOT, "face %d  score %.4f  box [%.1f, %.1f, %.1f, %.1f]", i + 1, f.score(),
                f.box().x1(), f.box().y1(), f.box().x2(), f.box().y2());
    }

    static void checkFraction(String option, float v) {
        if (!(v >= 0 && v <= 1)) {
            throw new Main.UserError(option + " must be between 0 and 1, got " + v);
        }
    }

    static SessionOptions options(Integer threads) {
        SessionOptions o = new SessionOptions();
        if (threads != null) {
            o.threads(threads);
        }
        return o;
    }
}
