package dev.vinfer.docs;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.UnsupportedOpException;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.InputException;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.Optimizer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import dev.vinfer.runtime.WorkerPool;
import dev.vinfer.samples.vision.ImageTensors;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The code of docs/guide.md. Each region between the start and end markers of javadoc's snippet markup (so that
 * package-info files can show the same regions with {@code {@snippet class=... region=...}}) appears verbatim in
 * the guide (GuideSnippetsTest checks that), and GuideExamplesTest runs every method, so the guide cannot rot.
 */
final class GuideExamples {
    private GuideExamples() {
    }

    static float[] load(Path modelPath, float[] pixels) {
        // @start region="load"
        try (Session session = Vinfer.open(modelPath)) {
            Tensor input = Tensor.of(pixels, 1, 1, 28, 28);
            Tensor logits = session.run(input);
            return logits.toFloatArray();
        }
        // @end
    }

    static void describe(Path modelPath) {
        // @start region="metadata"
        try (Session session = Vinfer.open(modelPath)) {
            for (ValueInfo in : session.inputs()) {
                System.out.println(in.name() + " " + in.dtype() + " " + in.shapeString());
            }
            for (ValueInfo out : session.outputs()) {
                System.out.println(out.name() + " " + out.dtype() + " " + out.shapeString());
            }
        }
        // @end
    }

    static Map<String, Tensor> options(Path modelPath, Tensor image) {
        // @start region="options"
        SessionOptions options = new SessionOptions()
                .threads(2)                 // intra-op threads (default: all cores)
                .optimize(true)             // graph optimization passes (default on)
                .convAlgorithm("auto");     // or force one: "im2col", "direct", ...
        try (Session session = Vinfer.open(modelPath, options)) {
            return session.run(Map.of("Input3", image));
        }
        // @end
    }

    static float[][] concurrent(Path modelPath, Tensor[] inputs) throws Exception {
        // @start region="threads"
        try (Session session = Vinfer.open(modelPath, new SessionOptions().threads(1));
                ExecutorService pool = Executors.newFixedThreadPool(4)) {
            Future<?>[] jobs = new Future<?>[inputs.length];
            float[][] results = new float[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                int k = i;
                jobs[i] = pool.submit(() -> results[k] = session.run(inputs[k]).toFloatArray());
            }
            for (Future<?> job : jobs) {
                job.get();
            }
            return results;
        }
        // @end
    }

    static float[][] sharedPool(Path classifier, Path detector, Tensor image) {
        // @start region="shared-pool"
        try (WorkerPool pool = WorkerPool.start(2);   // one set of workers for every session below
                Session a = Vinfer.open(classifier, new SessionOptions().pool(pool));
                Session b = Vinfer.open(detector, new SessionOptions().pool(pool))) {
            return new float[][] {a.run(image).toFloatArray(), b.run(image).toFloatArray()};
        }   // the sessions close first, then the pool
        // @end
    }

    static Tensor tensors() {
        // @start region="tensors"
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);       // float32 [2, 3]
        Tensor ids = Tensor.of(new long[] {7, 8}, 2);                       // int64 [2]
        Tensor mask = Tensor.of(new boolean[] {true, false}, 2);           // bool [2]
        Tensor zeros = Tensor.zeros(DType.UINT8, 1, 3, 4, 4);             // uint8, zero-filled
        float[] copy = a.toFloatArray();                                    // any dtype, converted
        Tensor view = a.reshape(3, 2);                                      // shares storage, no copy
        // @end
        return view.size() == 6 && copy.length == 6 && ids.size() + mask.size() + zeros.size() > 0 ? a : null;
    }

    static Tensor image(BufferedImage photo) {
        // @start region="images"
        BufferedImage square = ImageTensors.centerCrop(ImageTensors.resizeShorterSide(photo, 256), 224, 224);
        Tensor input = ImageTensors.toNchw(square, false, 1f / 255,
                new float[] {0.485f, 0.456f, 0.406f},      // ImageNet mean (RGB)
                new float[] {0.229f, 0.224f, 0.225f});     // ImageNet std
        // @end
        return input;
    }

    static String errors(Path modelPath) {
        // @start region="errors"
        try (Session session = Vinfer.open(modelPath)) {
            session.run(Map.of("Input3", Tensor.zeros(DType.FLOAT32, 1, 3, 28, 28)));
        } catch (UnsupportedOpException e) {
            return "unsupported: " + e.unsupported();      // every missing op, with domain and opset
        } catch (InputException e) {
            return "bad input: " + e.getMessage();         // names the input and what it expected
        } catch (ModelException e) {
            return "bad model: " + e.getMessage();         // unreadable, invalid, or over a limit
        }
        // @end
        return "no error";
    }

    static Session limits(Path modelPath) {
        // @start region="limits"
        Limits strict = new Limits(
                50_000_000L,        // elements in one tensor
                200L << 20,         // bytes of the model file
                8,                  // rank of any tensor
                10_000,             // nodes
                4,                  // nesting of If/Loop bodies
                0L);                // no external data at all
        return Vinfer.open(modelPath, new SessionOptions().limits(strict));
        // @end
    }

    static Graph stages(Path modelPath) {
        // @start region="stages"
        SessionOptions options = new SessionOptions();
        OnnxModel model = OnnxModel.load(modelPath);                       // load: parse the file
        Graph imported = model.toGraph(options);                           // import: ONNX nodes -> operators
        Graph optimized = Optimizer.standard().optimize(imported, options,
                (pass, graph) -> System.out.println("after " + pass + ":\n" + graph));
        try (Session session = new Session(optimized, options)) {           // plan and run
            System.out.println(session.graph());
            System.out.print(session.describeMemoryPlans());              // plan: arena offsets, live ranges
        }
        // @end
        return optimized;
    }
}
