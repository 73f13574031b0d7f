package dev.vinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.testdata.SharedData;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classify, detect and landmarks commands through {@link Main#execute}: output formats and exit codes. */
class AppCommandsTest {
    private static final String CLASSIFIER = "models/shufflenet-v2-12-qdq/shufflenet-v2-12-qdq.onnx";
    private static final String DETECTOR = "models/ultraface/version-RFB-320.onnx";
    private static final String MESH = "models/mediapipe-face-landmark/face_landmark_barracuda.onnx";

    private static CliResult run(String... args) {
        CliResult r = CliResult.execute(args);
        System.out.println("vinfer " + String.join(" ", args) + " -> " + r.code() + "\n" + r.out() + r.err());
        return r;
    }

    private static String shared(String rel) {
        return SharedData.require(rel).toString();
    }

    private static void assertUserError(CliResult r, String fragment) {
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line: " + r.err());
        assertTrue(lines[0].startsWith("vinfer: ") && lines[0].contains(fragment), r.err());
    }

    @Test
    void missingOrUnreadableImagesAreOneLineErrors(@TempDir Path dir) throws Exception {
        String missing = dir.resolve("missing.png").toString();
        assertUserError(run("classify", "--model", shared(CLASSIFIER), missing), "missing.png");
        assertUserError(run("detect", "--detector", shared(DETECTOR), missing), "missing.png");
        assertUserError(run("landmarks", "--detector", shared(DETECTOR), "--mesh", shared(MESH), missing),
                "missing.png");
        Path junk = Files.writeString(dir.resolve("junk.jpg"), "this is not a JPEG");
        assertUserError(run("detect", "--detector", shared(DETECTOR), junk.toString()), "junk.jpg");
        assertUserError(run("classify", "--model", shared(CLASSIFIER), junk.toString()), "junk.jpg");
    }

    @Test
    void aModelThatDoesNotFitThePresetIsAOneLineError() {
        String cat = shared("images/chelsea.png");
        assertUserError(run("classify", "--model", shared("models/mnist-8/mnist-8.onnx"), cat),
                "has 1 channel(s)");
        assertUserError(run("classify", "--model", shared(CLASSIFIER), "--layout", "nhwc", cat), "channel");
        assertUserError(run("classify", "--model", shared(CLASSIFIER), "--preset", "nope", cat), "unknown preset");
        assertUserError(run("classify", "--model", shared(CLASSIFIER), "--mean", "1,2", cat), "1 or 3 values");
        assertUserError(run("landmarks", "--detector", shared(DETECTOR), "--mesh",
                shared("models/mnist-8/mnist-8.onnx"), shared("images/astronaut.png")), "face mesh model input");
        assertUserError(run("detect", "--detector", shared(MESH), cat), "has no output like");
        assertUserError(run("classify", "--model", shared("models/mnist-8/mnist-8.onnx"), "--preset", "mnist",
                "--labels", shared("labels/imagenet_classes.txt"), cat), "1000 names but the classifier gives 10");
    }

    @Test
    void classifyPrintsJsonPerImage() {
        CliResult r = run("classify", "--model", shared(CLASSIFIER), "--labels", shared("labels/imagenet_classes.txt"),
                "--json", shared("images/chelsea.png"), shared("images/coffee.png"));
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("{\"image\": \"" + shared("images/chelsea.png") + "\", \"top\": [{\"index\": "),
                lines[0]);
        Matcher first = Pattern.compile("\"top\": \\[\\{\"index\": (\\d+), \"label\": \"[^\"]+\", "
                + "\"probability\": ([0-9.]+)\\}").matcher(lines[0]);
        assertTrue(first.find(), lines[0]);
        int cat = Integer.parseInt(first.group(1));
        assertTrue(cat == 281 || cat == 282 || cat == 285, lines[0]);
        assertEquals(5, lines[1].split("\"index\"").length - 1, "top-5");
        assertTrue(lines[1].matches(".*\"index\": (967|968|504), \"label\": \"(espresso|cup|coffee mug)\".*"),
                lines[1]);
    }

    @Test
    void classifyWithTheMnistPresetReadsADrawnDigit(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(14, 12, 42, 12);
        g.drawLine(42, 12, 24, 46);
        g.dispose();
        Path seven = dir.resolve("seven.png");
        ImageTensors.writePng(img, seven);
        CliResult r = run("classify", "--model", shared("models/mnist-8/mnist-8.onnx"), "--preset", "mnist", "--top",
                "1", "--json", seven.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"top\": [{\"index\": 7, \"label\": \"class 7\""), r.out());
    }

    @Test
    void detectWritesJsonAndAnAnnotatedPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("faces.png");
        CliResult r = run("detect", "--detector", shared(DETECTOR), "--json", "--out", png.toString(),
                shared("images/astronaut.png"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().strip().matches("\\{\"image\": \".*astronaut.png\", \"faces\": \\[\\{\"box\": "
                + "\\[[0-9.]+, [0-9.]+, [0-9.]+, [0-9.]+\\], \"score\": [0-9.]+\\}\\]\\}"), r.out());
        BufferedImage out = ImageTensors.load(png);
        assertEquals(512, out.getWidth());
        CliResult cat = run("detect", "--detector", shared("models/ultraface/version-RFB-640.onnx"), "--json",
                shared("images/chelsea.png"));
        assertTrue(cat.out().strip().endsWith("\"faces\": []}"), "the 640 model sees no face: " + cat.out());
    }

    @Test
    void landmarksPrintsAllPointsAndWritesAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("mesh.png");
        CliResult r = run("landmarks", "--detector", shared(DETECTOR), "--mesh", shared(MESH), "--json", "--out",
                png.toString(), "--zoom", "400", shared("images/astronaut.png"));
        assertEquals(0, r.code(), r.err());
        String json = r.out().strip();
        assertEquals(1, json.split("\n").length);
        assertEquals(1, json.split("\"score\"").length - 1, "one face");
        Matcher points = Pattern.compile("\\[-?[0-9.]+, -?[0-9.]+, -?[0-9.]+\\]").matcher(json);
        int n = 0;
        while (points.find()) {
            n++;
        }
        assertEquals(468, n, "468 landmarks of three numbers");
        assertEquals(400, Math.max(ImageTensors.load(png).getWidth(), ImageTensors.load(png).getHeight()));
        CliResult text = run("landmarks", "--detector", shared(DETECTOR), "--mesh", shared(MESH),
                shared("images/astronaut.png"));
        assertTrue(text.out().contains(": 1 face") && text.out().contains("468 landmarks"), text.out());
    }
}
