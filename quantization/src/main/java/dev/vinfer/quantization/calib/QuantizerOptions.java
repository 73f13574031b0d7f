package dev.vinfer.quantization.calib;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Settings of static post-training quantization. Activations become uint8 with a zero point (asymmetric), weights
 * int8 symmetric (zero point 0, range [-127, 127]), biases int32 with scale {@code x_scale * w_scale}: the layout
 * ONNX Runtime's QDQ fusions expect.
 *
 * <pre>{@code
 * new QuantizerOptions().perChannel(true).method(CalibrationMethod.PERCENTILE).exclude("fc")
 * }</pre>
 *
 * <p>A plain mutable object with fluent setters, not thread-safe; the quantizer reads it while it runs, so do not
 * change it until {@link dev.vinfer.quantization.Quantizer#quantize} returns.
 */
public final class QuantizerOptions {
    private boolean perChannel;
    private CalibrationMethod method = CalibrationMethod.MINMAX;
    private double percentile = 99.999;
    private final Set<String> exclude = new LinkedHashSet<>();

    /** One weight scale per output channel instead of one per tensor (needs opset 13). */
    public QuantizerOptions perChannel(boolean on) {
        this.perChannel = on;
        return this;
    }

    /** Whether weights get one scale per output channel (default false: one per tensor). */
    public boolean perChannel() {
        return perChannel;
    }

    /**
     * How activation ranges are chosen from the calibration runs (default {@link CalibrationMethod#MINMAX}).
     *
     * @throws NullPointerException if {@code m} is null
     */
    public QuantizerOptions method(CalibrationMethod m) {
        this.method = java.util.Objects.requireNonNull(m, "method");
        return this;
    }

    /** The calibration method. */
    public CalibrationMethod method() {
        return method;
    }

    /** The percentile of |x| the PERCENTILE method keeps (default 99.999). */
    public QuantizerOptions percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        this.percentile = p;
        return this;
    }

    /** The percentile the PERCENTILE method keeps, in (0, 100]. */
    public double percentile() {
        return percentile;
    }

    /** Nodes (by name) left in float. */
    public QuantizerOptions exclude(String... nodeNames) {
        exclude.addAll(java.util.List.of(nodeNames));
        return this;
    }

    /** The names of the nodes left in float (a copy). */
    public Set<String> excluded() {
        return Set.copyOf(exclude);
    }
}
