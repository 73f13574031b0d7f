package dev.vinfer.quantization;

import dev.vinfer.Vinfer;
import dev.vinfer.quantization.calib.QuantizationReport;
import dev.vinfer.quantization.calib.QuantizerOptions;
import dev.vinfer.quantization.calib.StaticQuantizer;
import dev.vinfer.runtime.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Static post-training quantization of a float ONNX model to the standard QDQ form (which vinfer runs on its int8
 * kernels and ONNX Runtime also loads).
 *
 * {@snippet class=dev.vinfer.docs.ApiExamples region=quantize}
 *
 * See {@link Vinfer} to run the result.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /**
     * Calibrates on {@code calibration}, writes the quantized model to {@code out} and returns what was done.
     *
     * @param progress told the number of calibration runs finished, out of {@link #calibrationRuns}
     */
    public static QuantizationReport quantize(Path model, List<Map<String, Tensor>> calibration,
            QuantizerOptions options, Path out, IntConsumer progress) {
        return new StaticQuantizer(options).quantize(model, calibration, out, progress);
    }

    /** How many model runs calibration takes for {@code inputs} inputs (two passes for the histogram methods). */
    public static int calibrationRuns(QuantizerOptions options, int inputs) {
        return StaticQuantizer.runs(options, inputs);
    }
}
