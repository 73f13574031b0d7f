package dev.vinfer.quantization.calib;

import java.util.List;
import java.util.Locale;

/**
 * What the quantizer did: the nodes it quantized (and those it left in float), the weight bytes before and after,
 * and the measured output error of the quantized model against the float one on the calibration inputs.
 *
 * @param quantizedNodes   names of the nodes now running on quantized data (Conv, MatMul, Gemm, Add)
 * @param floatNodes       names of compute nodes left in float (excluded or not quantizable), with the reason
 * @param weightBytesBefore bytes of the float weights that were quantized
 * @param weightBytesAfter  bytes of their int8 weights, int32 biases, scales and zero points
 * @param outputErrors      per model output: mean and max relative L2 error and top-1 agreement (NaN if not a
 *                          score vector)
 */
public record QuantizationReport(List<String> quantizedNodes, List<String> floatNodes, long weightBytesBefore,
        long weightBytesAfter, List<OutputError> outputErrors, int calibrationInputs) {

    /** The error of one output over the calibration inputs. */
    public record OutputError(String output, double meanRelL2, double maxRelL2, double top1Agreement) {
    }

    /** A multi-line human-readable summary. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "quantized %d nodes: %s%n", quantizedNodes.size(),
                abbreviate(quantizedNodes)));
        if (!floatNodes.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "left in float: %s%n", abbreviate(floatNodes)));
        }
        sb.append(String.format(Locale.ROOT, "weights: %.2f MB float32 -> %.2f MB int8 (%.1fx smaller)%n",
                weightBytesBefore / 1e6, weightBytesAfter / 1e6,
                weightBytesAfter == 0 ? 0.0 : (double) weightBytesBefore / weightBytesAfter));
        for (OutputError e : outputErrors) {
            sb.append(String.format(Locale.ROOT,
                    "output %s vs float on %d calibration inputs: rel L2 mean %.4f, max %.4f", e.output(),
                    calibrationInputs, e.meanRelL2(), e.maxRelL2()));
            if (!Double.isNaN(e.top1Agreement())) {
                sb.append(String.format(Locale.ROOT, ", top-1 agreement %.1f%%", 100 * e.top1Agreement()));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static String abbreviate(List<String> names) {
        if (names.size() <= 12) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, 10)) + ", ... (" + (names.size() - 10) + " more)";
    }
}
