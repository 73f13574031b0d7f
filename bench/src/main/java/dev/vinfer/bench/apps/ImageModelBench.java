package dev.vinfer.bench.apps;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.samples.FaceEmbedder;
import dev.vinfer.samples.style.StyleTransfer;
import dev.vinfer.samples.vision.ImageTensors;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-model inference of the application models, vinfer and ONNX Runtime 1.23.2 in the same run on the same
 * input: MobileFaceNet (an aligned 112 x 112 face: the astronaut's crop) and the candy style net at 720 x 720
 * (chelsea.png). Setup checks that the two engines agree (relative L2 below 1e-3) so both compute the same thing.
 * One model run per operation; ONNX Runtime's output tensors are closed but not copied out.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xss16m", "-Xmx3g", "-Djava.awt.headless=true",
    // arrays on 64-byte lines, so vinfer can put weight rows and activations on cache lines (ArrayAlignment)
    "-XX:ObjectAlignmentInBytes=64"})
public class ImageModelBench {
    @Param({"mobilefacenet", "candy"})
    public String model;

    @Param({"vinfer", "ort"})
    public String engine;

    @Param({"1", "2"})
    public int threads;

    private Session vinfer;
    private OrtSession ort;
    private String inputName;
    private Tensor input;
    private OnnxTensor ortInput;
    private Path file;

    @Setup(Level.Trial)
    public void open() throws Exception {
        if (model.equals("mobilefacenet")) {
            file = AppData.shared("models/mobilefacenet/MobileFaceNet.onnx");
            BufferedImage img = ImageTensors.load(AppData.shared("images/astronaut.png"));
            input = FaceEmbedder.toInput(ImageTensors.resize(ImageTensors.crop(img, 165, 50, 120, 120), 112, 112));
        } else if (model.equals("candy")) {
            file = AppData.shared("models/fast-neural-style/candy.onnx");
            try (StyleTransfer st = new StyleTransfer(file, 1, StyleTransfer.Channels.AUTO)) {
                input = st.toInput(ImageTensors.load(AppData.shared("images/chelsea.png")));
            }
        } else {
            throw new IllegalArgumentException("unknown model " + model);
        }
        try (Session check = Vinfer.open(file, new SessionOptions().threads(threads))) {
            inputName = check.inputs().get(0).name();
            float[] ours = check.run(Map.of(inputName, input)).values().iterator().next().toFloatArray();
            try (OrtSession o = AppData.ort(file, threads); OnnxTensor t = AppData.ortTensor(input);
                    OrtSession.Result r = o.run(Map.of(inputName, t))) {
                FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] ref = new float[fb.remaining()];
                fb.get(ref);
                double err = AppData.relL2(ours, ref);
                if (!(err < 1e-3)) {
                    throw new IllegalStateException(model + ": vinfer and ONNX Runtime differ, relative L2 " + err);
                }
            }
        }
        if (engine.equals("vinfer")) {
            vinfer = Vinfer.open(file, new SessionOptions().threads(threads));
        } else {
            ort = AppData.ort(file, threads);
            ortInput = AppData.ortTensor(input);
        }
    }

    @Benchmark
    public Object run() throws OrtException {
        if (vinfer != null) {
            return vinfer.run(Map.of(inputName, input));
        }
        try (OrtSession.Result r = ort.run(Map.of(inputName, ortInput))) {
            return r.size();
        }
    }

    /** The model file, input name and input tensor set up by {@link #open()} (for {@link AppProfile}). */
    Path file() {
        return file;
    }

    String inputName() {
        return inputName;
    }

    Tensor input() {
        return input;
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
        if (vinfer != null) {
            vinfer.close();
        }
        if (ort != null) {
            ortInput.close();
            ort.close();
        }
    }
}
