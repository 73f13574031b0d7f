package dev.vinfer.cli;

import dev.vinfer.samples.FaceLandmarker;
import dev.vinfer.samples.Json;
import dev.vinfer.samples.vision.Annotator;
import dev.vinfer.samples.vision.Box;
import dev.vinfer.samples.vision.ImageTensors;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vinfer landmarks}: faces, then 468 face-mesh landmarks per face; optional annotated PNG. */
@Command(name = "landmarks", mixinStandardHelpOptions = true,
        description = {"Face landmarks: UltraFace finds the faces, MediaPipe Face Mesh (192x192) places 468 "
            + "(x, y, z) points on each; all coordinates in image pixels."})
final class LandmarksCommand implements Callable<Integer> {
    private static final Color POINTS = new Color(0x00E5FF);

    @Option(names = "--detector", required = true, paramLabel = "D.onnx", description = "UltraFace model.")
    Path detector;

    @Option(names = "--mesh", required = true, paramLabel = "M.onnx", description = "Face mesh model.")
    Path mesh;

    @Option(names = "--out", paramLabel = "OUT.png", description = "Write the image with boxes and points.")
    Path out;

    @Option(names = "--zoom", paramLabel = "PIXELS",
            description = "With --out: draw only the region around the faces, enlarged to this many pixels on its "
                    + "longer side (keeps the points visible and the file small).")
    Integer zoom;

    @Option(names = "--json", description = "Print {\"image\", \"faces\": [{\"box\", \"score\", \"landmarks\": "
            + "[[x,y,z], ...]}]}.")
    boolean json;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.7",
            description = "Minimum face score (default ${DEFAULT-VALUE}).")
    float threshold;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads (default: all cores).")
    Integer threads;

    @Parameters(paramLabel = "IMAGE", description = "PNG, JPEG, GIF or BMP file.")
    Path image;

    @Override
    public Integer call() throws Exception {
        DetectCommand.checkFraction("--threshold", threshold);
        if (zoom != null && (zoom < 16 || zoom > 8192)) {
            throw new Main.UserError("--zoom takes 16..8192 pixels, got " + zoom);
        }
        BufferedImage img = ImageTensors.load(image);
        List<FaceLandmarker.FaceMesh> faces;
        try (FaceLandmarker f = FaceLandmarker.open(detector, mesh, DetectCommand.options(threads))) {
            faces = f.detect(img, threshold);
        }
        if (json) {
            System.out.println(toJson(image, faces));
        } else {
            System.out.println(image + ": " + faces.size() + (faces.size() == 1 ? " face" : " faces"));
            for (int i = 0; i < faces.size(); i++) {
                FaceLandmarker.FaceMesh m = faces.get(i);
                System.out.println("  " + DetectCommand.faceText(i, m.face()) + String.format(Locale.ROOT,
                        "  %d landmarks (mesh face presence %.3f)", m.landmarks().length, m.presence()));
            }
        }
        if (out != null) {
            ImageTensors.writePng(draw(img, faces, zoom), out);
            (json ? System.err : System.out).println("wrote " + out);
        }
        return 0;
    }

    static String toJson(Path image, List<FaceLandmarker.FaceMesh> faces) {
        StringBuilder b = new StringBuilder("{\"image\": ").append(Json.str(image.toString())).append(", \"faces\": [");
        for (int i = 0; i < faces.size(); i++) {
            FaceLandmarker.FaceMesh m = faces.get(i);
            b.append(i == 0 ? "{" : ", {").append(DetectCommand.faceFields(m.face())).append(", \"landmarks\": [");
            for (int p = 0; p < m.landmarks().length; p++) {
                b.append(p == 0 ? "" : ", ").append(Json.array(m.landmarks()[p], 2));
            }
            b.append("]}");
        }
        return b.append("]}").toString();
    }

    /** Boxes with scores, and the points; zoomed onto the faces when {@code zoom} is set and there are faces. */
    static BufferedImage draw(BufferedImage img, List<FaceLandmarker.FaceMesh> faces, Integer zoom) {
        Annotator a;
        if (zoom != null && !faces.isEmpty()) {
            Box region = faces.get(0).crop();
            for (FaceLandmarker.FaceMesh m : faces) {
                Box c = m.crop();
                region = new Box(Math.min(region.x1(), c.x1()), Math.min(region.y1(), c.y1()),
                        Math.max(region.x2(), c.x2()), Math.max(region.y2(), c.y2()));
            }
            a = Annotator.zoomed(img, region, zoom);
        } else {
            a = Annotator.copyOf(img);
        }
        for (FaceLandmarker.FaceMesh m : faces) {
            a.points(m.landmarks(), POINTS, a.pointRadius());
            a.box(m.face().box(), Annotator.color(0), String.format(Locale.ROOT, "face %.2f", m.face().score()));
        }
        return a.image();
    }
}
