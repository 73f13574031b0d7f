package dev.vinfer.docs;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.Parallel;
import dev.vinfer.quantization.Quantizer;
import dev.vinfer.quantization.calib.CalibrationMethod;
import dev.vinfer.quantization.calib.QuantizationReport;
import dev.vinfer.quantization.calib.QuantizerOptions;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.io.Npy;
import dev.vinfer.samples.vision.Box;
import dev.vinfer.samples.vision.Detection;
import dev.vinfer.samples.vision.NonMaxSuppression;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The examples of the package documentation (package-info.java files refer to the regions here with
 * {@code {@snippet class=dev.vinfer.docs.ApiExamples region=...}}; the javadoc run of ApiDocsTest resolves them) and
 * of the guide. ApiExamplesTest runs every method, so the examples in the javadoc cannot rot.
 */
final class ApiExamples {
    private ApiExamples() {
    }

    static Tensor npy(Path file) throws IOException {
        // @start region="npy"
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Npy.write(t, file);                       // <f4, shape (2, 3), C order: np.load reads it
        Tensor back = Npy.read(file);             // float32 [2, 3]
        // @end
        return back;
    }

    static float[] interop() {
        // @start region="interop"
        FloatBuffer buffer = FloatBuffer.wrap(new float[] {1, 2, 3, 4});
        Tensor fromBuffer = Tensor.of(buffer, 2, 2);                     // copies the remaining elements
        float[] out = new float[4];
        fromBuffer.copyTo(FloatBuffer.wrap(out));                        // and back
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeap = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            offHeap.setAtIndex(ValueLayout.JAVA_FLOAT, 3, 7f);
            Tensor fromSegment = Tensor.copyOf(offHeap, DType.FLOAT32, 2, 2); // native byte order, copied
            MemorySegment view = fromSegment.asSegment();                // the tensor's array, no copy
            view.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 5f);              // writes through to the tensor
            out[0] = fromSegment.getFloat(0) + fromSegment.getFloat(3);  // 5 + 7
        }
        // @end
        return out;
    }

    static float[] conv() {
        // @start region="conv"
        // A 3x3 convolution, 2 -> 4 channels, on an 8x8 image with "same" padding: arrays, offsets and geometry.
        ConvGeometry g = ConvGeometry.builder().channels(2, 4).input(8, 8).kernel(3, 3).padsOnnx(1, 1, 1, 1).build();
        float[] weights = new float[4 * 2 * 3 * 3];                     // (M, C/group, kH, kW)
        float[] bias = new float[4];
        java.util.Arrays.fill(weights, 0.1f);
        ConvKernel kernel = Convolutions.prepare(g, weights, 0, bias, Epilogue.RELU, ConvAlgorithm.AUTO);
        float[] x = new float[kernel.inputLength()];                    // N*C*H*W = 1*2*8*8
        float[] y = new float[kernel.outputLength()];                   // N*M*H*W = 1*4*8*8
        java.util.Arrays.fill(x, 1f);
        kernel.run(x, 0, y, 0, Parallel.SERIAL);                        // thread-safe: share one kernel
        // @end
        return y;
    }

    static QuantizationReport quantize(Path floatModel, List<Map<String, Tensor>> calibration, Path int8Model) {
        // @start region="quantize"
        QuantizerOptions options = new QuantizerOptions()
                .method(CalibrationMethod.MINMAX)       // or PERCENTILE, ENTROPY (two passes over the inputs)
                .perChannel(true);                      // per-output-channel weight scales (needs opset 13)
        QuantizationReport report = Quantizer.quantize(floatModel, calibration, options, int8Model,
                done -> System.out.println(done + " of "
                        + Quantizer.calibrationRuns(options, calibration.size()) + " calibration runs"));
        System.out.print(report.summary());            // nodes quantized, weight bytes, error on the inputs
        // @end
        return report;
    }

    static List<Detection> nms(List<Detection> raw) {
        // @start region="nms"
        // Keep the best box of each overlapping cluster (intersection over union above 0.3).
        List<Detection> kept = NonMaxSuppression.greedy(raw, 0.3f);
        for (Detection d : kept) {
            Box b = d.box();
            System.out.printf("%.2f at (%.0f, %.0f) %.0f x %.0f%n", d.score(), b.x1(), b.y1(), b.width(), b.height());
        }
        // @end
        return kept;
    }
}
