package dev.vinfer.bench.apps;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.samples.volume.NiftiVolume;
import dev.vinfer.samples.volume.VolumeSegmenter;
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
 * MeshNet brain segmentation of the whole 256^3 t1_crop.nii.gz volume (186 GFLOP of dilated 3-D convolution), one
 * volume per operation. vinfer: {@link VolumeSegmenter#segment} as {@code vinfer segment3d} runs it (min-max
 * scaling, the network streamed slice by slice, arg-max into labels). ONNX Runtime 1.23.2: one session run on the
 * scaled volume, returning the [1, 3, 256, 256, 256] logits (no arg-max: it is charged less work than vinfer).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xss16m", "-Xmx2g", "-Djava.awt.headless=true",
    // arrays on 64-byte lines, so vinfer can put weight rows and activations on cache lines (ArrayAlignment)
    "-XX:ObjectAlignmentInBytes=64"})
public class MeshNetBench {
    @Param({"vinfer", "ort"})
    public String engine;

    @Param({"1", "2"})
    public int threads;

    private NiftiVolume volume;
    private VolumeSegmenter segmenter;
    private OrtSession ort;
    private OnnxTensor ortInput;

    @Setup(Level.Trial)
    public void open() throws Exception {
        Path model = AppData.shared("models/meshnet-brain/meshnet_gwm.onnx");
        volume = NiftiVolume.read(AppData.shared("models/meshnet-brain/t1_crop.nii.gz"));
        if (engine.equals("vinfer")) {
            segmenter = new VolumeSegmenter(model, threads, true);
        } else {
            float[] d = volume.data();
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float v : d) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            float[] x = new float[d.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (d[i] - lo) / (hi - lo);
            }
            ort = AppData.ort(model, threads);
            ortInput = AppData.ortTensor(Tensor.of(x, 1, 1, volume.nz(), volume.ny(), volume.nx()));
            volume = null;
        }
    }

    @Benchmark
    public Object segment() throws OrtException {
        if (segmenter != null) {
            return segmenter.segment(volume).counts();
        }
        try (OrtSession.Result r = ort.run(Map.of("input", ortInput))) {
            return r.size();
        }
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
        if (segmenter != null) {
            segmenter.close();
        }
        if (ort != null) {
            ortInput.close();
            ort.close();
        }
    }
}
