package dev.vinfer.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.testdata.OrtReference;
import dev.vinfer.testdata.SharedData;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trained models in {@code ../shared/models}: each runs, matches ONNX Runtime on the same input, and gives the
 * right answer on real data. Bounds: relative L2 error 1e-4 for float models; 5e-2 for the int8 QDQ model, plus the
 * same top-5 classes as ONNX Runtime. vinfer runs that model as written (DequantizeLinear, float op,
 * QuantizeLinear) while ONNX Runtime fuses it into integer kernels that requantize the int32 sum directly; where a
 * value lands near a rounding boundary the two differ by one quantization step, and such flips propagate. Measured:
 * 0 on chelsea.png, 3.5e-2 on coffee.png.
 */
class RealModelsTest {
    private static final double FLOAT_BOUND = 1e-4;
    private static final double INT8_BOUND = 5e-2;
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private static Map<String, Tensor> compareWithOrt(Path model, Map<String, Tensor> feed, double bound,
            boolean optimize) {
        Map<String, Tensor> ours;
        try (Session s = Vinfer.open(model, new SessionOptions().threads(2).optimize(optimize))) {
            ours = s.run(feed);
        }
        Map<String, Tensor> ref;
        try (OrtReference ort = new OrtReference(model)) {
            ref = ort.run(feed);
        }
        for (var e : ref.entrySet()) {
            Tensor mine = ours.get(e.getKey());
            assertTrue(mine != null, "missing output " + e.getKey());
            assertEquals(java.util.Arrays.toString(e.getValue().shape()), java.util.Arrays.toString(mine.shape()),
                    "shape of " + e.getKey());
            double err = OrtReference.relL2(mine, e.getValue());
            System.out.printf("%s output %s: relative L2 error vs ONNX Runtime %.3g (optimize=%s)%n",
                    model.getFileName(), e.getKey(), err, optimize);
            assertTrue(err <= bound, model.getFileName() + " output " + e.getKey() + " relative L2 error " + err
                    + " > " + bound);
        }
        return ours;
    }

    private static java.util.Set<Integer> top5(Tensor t) {
        java.util.List<Integer> idx = new java.util.ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            idx.add(i);
        }
        idx.sort((a, b) -> Float.compare(t.getFloat(b), t.getFloat(a)));
        return new java.util.HashSet<>(idx.subList(0, 5));
    }

    private static int argmax(Tensor t) {
        int best = 0;
        for (int i = 1; i < t.size(); i++) {
            if (t.getFloat(i) > t.getFloat(best)) {
                best = i;
            }
        }
        return best;
    }

    @ParameterizedTest(name = "optimize={0}")
    @ValueSource(booleans = {true, false})
    void mnistReadsAHandDrawnSeven(boolean optimize) {
        Path model = SharedData.require("models/mnist-8/mnist-8.onnx");
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(7, 6, 21, 6);
        g.drawLine(21, 6, 12, 23);
        g.dispose();
        Tensor input = ImageTensors.toGrey(img, 1f);
        Map<String, Tensor> out = compareWithOrt(model, Map.of("Input3", input), FLOAT_BOUND, optimize);
        assertEquals(7, argmax(out.values().iterator().next()), "the drawn 7 must read as 7");
    }

    private static Tensor imagenet(String image) throws Exception {
        BufferedImage img = ImageTensors.load(SharedData.require("images/" + image));
        img = ImageTensors.centerCrop(ImageTensors.resizeShorterSide(img, 256), 224, 224);
        return ImageTensors.toNchw(img, false, 1f / 255, IMAGENET_MEAN, IMAGENET_STD);
    }

    @ParameterizedTest(name = "optimize={0}")
    @ValueSource(booleans = {true, false})
    void shufflenetInt8ClassifiesCatAndCoffee(boolean optimize) throws Exception {
        Path model = SharedData.require("models/shufflenet-v2-12-qdq/shufflenet-v2-12-qdq.onnx");
        Tensor cat = compareWithOrt(model, Map.of("input", imagenet("chelsea.png")), INT8_BOUND, optimize)
                .values().iterator().next();
        try (OrtReference ort = new OrtReference(model)) {
            for (String image : new String[] {"chelsea.png", "coffee.png"}) {
                Map<String, Tensor> feed = Map.of("input", imagenet(image));
                Tensor ref = ort.run(feed).values().iterator().next();
                Tensor ours;
                try (Session s = Vinfer.open(model, new SessionOptions().optimize(optimize))) {
                    ours = s.run(feed).values().iterator().next();
                }
                assertEquals(top5(ref), top5(ours), image + ": top-5 classes must equal ONNX Runtime's");
                assertEquals(argmax(ref), argmax(ours), image + ": top-1 must equal ONNX Runtime's");
            }
        }
        int c = argmax(cat);
        assertTrue(c == 281 || c == 282 || c == 285, "chelsea.png must be a cat class, got " + c);
        Tensor cup = compareWithOrt(model, Map.of("input", imagenet("coffee.png")), INT8_BOUND, optimize)
                .values().iterator().next();
        int k = argmax(cup);
        assertTrue(k == 967 || k == 968 || k == 504, "coffee.png must be espresso/cup/mug, got " + k);
    }

    /** Faces from UltraFace outputs: score > 0.7, greedy NMS at IoU 0.3; boxes normalized x1,y1,x2,y2. */
    static List<float[]> faces(Tensor scores, Tensor boxes) {
        List<float[]> cand = new ArrayList<>();
        int n = scores.dim(1);
        for (int i = 0; i < n; i++) {
            float s = scores.getFloat(i * 2 + 1);
            if (s > 0.7f) {
                cand.add(new float[] {boxes.getFloat(i * 4), boxes.getFloat(i * 4 + 1), boxes.getFloat(i * 4 + 2),
                    boxes.getFloat(i * 4 + 3), s});
            }
        }
        cand.sort((a, b) -> Float.compare(b[4], a[4]));
        List<float[]> kept = new ArrayList<>();
        for (float[] b : cand) {
            boolean ok = true;
            for (float[] k : kept) {
                ok &= iou(b, k) <= 0.3f;
            }
            if (ok) {
                kept.add(b);
            }
        }
        return kept;
    }

    static float iou(float[] a, float[] b) {
        float w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        float h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        float inter = w * h;
        float union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    @Test
    void ultrafaceFindsOneFaceAndTheMeshLandsOnIt() throws Exception {
        Path detector = SharedData.require("models/ultraface/version-RFB-320.onnx");
        BufferedImage photo = ImageTensors.load(SharedData.require("images/astronaut.png"));
        Tensor in = ImageTensors.toNchw(ImageTensors.resize(photo, 320, 240), false, 1f, new float[] {127, 127, 127},
                new float[] {128, 128, 128});
        Map<String, Tensor> out = compareWithOrt(detector, Map.of("input", in), FLOAT_BOUND, true);
        List<float[]> f = faces(out.get("scores"), out.get("boxes"));
        assertEquals(1, f.size(), "astronaut.png has exactly one face");
        float[] box = f.get(0);
        // Square crop around the face with 25% margin, in pixels of the photo.
        float cx = (box[0] + box[2]) / 2 * photo.getWidth();
        float cy = (box[1] + box[3]) / 2 * photo.getHeight();
        float side = Math.max((box[2] - box[0]) * photo.getWidth(), (box[3] - box[1]) * photo.getHeight()) * 1.5f;
        int x0 = Math.round(cx - side / 2);
        int y0 = Math.round(cy - side / 2);
        int s = Math.round(side);
        BufferedImage crop = ImageTensors.resize(ImageTensors.crop(photo, x0, y0, s, s), 192, 192);
        Tensor meshIn = ImageTensors.toNchw(crop, false, 1f / 255, new float[3], new float[] {1, 1, 1});
        Path mesh = SharedData.require("models/mediapipe-face-landmark/face_landmark_barracuda.onnx");
        Map<String, Tensor> m = compareWithOrt(mesh, Map.of("input_1", meshIn), FLOAT_BOUND, true);
        Tensor pts = m.get("conv2d_20");
        assertEquals(1404, pts.size());
        float bx0 = box[0] * photo.getWidth();
        float by0 = box[1] * photo.getHeight();
        float bx1 = box[2] * photo.getWidth();
        float by1 = box[3] * photo.getHeight();
        int inside = 0;
        for (int p = 0; p < 468; p++) {
            float x = x0 + pts.getFloat(p * 3) / 192f * s;
            float y = y0 + pts.getFloat(p * 3 + 1) / 192f * s;
            // The detector's box is tight on the face; allow a 10% slack for the jaw line and forehead points.
            float mx = 0.1f * (bx1 - bx0);
            float my = 0.1f * (by1 - by0);
            if (x >= bx0 - mx && x <= bx1 + mx && y >= by0 - my && y <= by1 + my) {
                inside++;
            }
        }
        assertEquals(468, inside, "all 468 landmarks inside the face box");
        assertTrue(m.get("conv2d_30").getFloat(0) > 0, "face-presence logit must be positive");
    }

    @ParameterizedTest(name = "{0} optimize={1}")
    @org.junit.jupiter.params.provider.CsvSource({"models/mobilefacenet/MobileFaceNet.onnx, true",
        "models/mobilefacenet/MobileFaceNet.onnx, false", "models/ultraface/version-RFB-640.onnx, true",
        "models/ultraface/version-RFB-640.onnx, false", "models/fast-neural-style/candy.onnx, true",
        "models/fast-neural-style/candy.onnx, false"})
    void floatModelsMatchOnnxRuntime(String rel, boolean optimize) {
        Path model = SharedData.require(rel);
        Map<String, Tensor> feed = new LinkedHashMap<>();
        Random rnd = new Random(42);
        try (Session s = Vinfer.open(model, new SessionOptions().threads(1))) {
            for (ValueInfo vi : s.inputs()) {
                int[] shape = new int[vi.dims().length];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = vi.dims()[i] < 0 ? 1 : (int) vi.dims()[i];
                }
                Tensor t = Tensor.zeros(vi.dtype(), shape);
                float scale = rel.contains("candy") ? 255f : 1f;
                for (int i = 0; i < t.size(); i++) {
                    t.setFloat(i, rnd.nextFloat() * scale);
                }
                feed.put(vi.name(), t);
            }
        }
        compareWithOrt(model, feed, FLOAT_BOUND, optimize);
    }
}
