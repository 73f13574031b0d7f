package dev.vinfer.quantization.calib;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/** The steps of static quantization: plan, calibrate, choose parameters, write, measure. */
public final class StaticQuantizer {
    private final QuantizerOptions options;

    /** A quantizer with these options (not copied: do not change them while it runs). */
    public StaticQuantizer(QuantizerOptions options) {
        this.options = options;
    }

    /**
     * How many model runs calibration takes for {@code inputs} inputs: one each for MINMAX, two each for the histogram
     * methods (ranges first, then histograms).
     */
    public static int runs(QuantizerOptions o, int inputs) {
        return o.method() == CalibrationMethod.MINMAX ? inputs : 2 * inputs;
    }

    /**
     * Quantizes {@code model} and writes the QDQ model to {@code out}: plans which nodes to quantize, runs the float
     * model on {@code calibration}, chooses scales and zero points, writes the file, then measures the quantized
     * model's error on the same inputs.
     *
     * @param calibration representative inputs, by input name (a few dozen usually suffice)
     * @param progress told the number of calibration runs finished, out of {@link #runs}
     * @return what was quantized, the weight sizes before and after, and the output error
     * @throws IllegalArgumentException if {@code calibration} is empty or the model's opset is too old
     * @throws dev.vinfer.runtime.ModelException if the model cannot be read, has external data, or has nothing to
     *     quantize
     * @throws java.io.UncheckedIOException if {@code out} cannot be written
     */
    public QuantizationReport quantize(Path model, List<Map<String, Tensor>> calibration, Path out,
            IntConsumer progress) {
        if (calibration.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one input");
        }
        OnnxModel loaded = OnnxModel.load(model);
        ModelProto proto = BatchNormFolding.fold(loaded.proto());
        OnnxModel m = proto == loaded.proto() ? loaded : OnnxModel.fromBytes(proto.toByteArray(), loaded.folder());
        QdqModelWriter.requireOpset(proto, options.perChannel());
        for (var t : proto.getGraph().getInitializerList()) {
            if (t.getDataLocation() == dev.vinfer.onnx.proto.OnnxIr.TensorProto.DataLocation.EXTERNAL) {
                throw new ModelException("the quantizer does not read external tensor data yet ('" + t.getName()
                        + "')");
            }
        }
        QuantizationPlan plan = new QuantizationPlan(proto.getGraph(), options.excluded());
        if (plan.quantizedNodes.isEmpty()) {
            throw new ModelException("nothing to quantize: the model has no Conv, MatMul, Gemm or Add on computed "
                    + "values" + (plan.floatNodes.isEmpty() ? "" : " (" + plan.floatNodes + ")"));
        }
        SessionOptions so = new SessionOptions().optimize(false);
        Calibrator cal;
        try (Session s = Vinfer.open(m, so)) {
            cal = new Calibrator(s, plan.tensors);
            cal.calibrate(calibration, options.method(), progress);
        }
        Map<String, QdqModelWriter.ActivationQuant> params = new HashMap<>();
        for (String t : plan.tensors) {
            String src = t;
            while (plan.tiedTo.containsKey(src)) {
                src = plan.tiedTo.get(src);
            }
            RangeCollector c = cal.collector(src);
            double[] r = c.range(plan.saturated.contains(src) ? CalibrationMethod.MINMAX : options.method(),
                    options.percentile());
            params.put(t, QdqModelWriter.ActivationQuant.of(r[0], r[1]));
            if (Boolean.getBoolean("vinfer.quantize.debug")) {
                System.err.printf("%s: seen [%g, %g], range [%g, %g]%n", t, c.min(), c.max(), r[0], r[1]);
            }
        }
        QdqModelWriter writer = new QdqModelWriter(plan, params, options.perChannel());
        ModelProto q = writer.write(proto);
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream os = Files.newOutputStream(out)) {
                q.writeTo(os);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        List<QuantizationReport.OutputError> errors = measure(loaded, out, calibration);
        return new QuantizationReport(List.copyOf(plan.quantizedNodes), List.copyOf(plan.floatNodes),
                writer.weightBytesBefore, writer.weightBytesAfter, errors, calibration.size());
    }

    /** Output error of the written model (run by vinfer, int8 path) against the float model. */
    private static List<QuantizationReport.OutputError> measure(OnnxModel floatModel, Path quantized,
            List<Map<String, Tensor>> inputs) {
        SessionOptions so = new SessionOptions();
        Map<String, double[]> sums = new java.util.LinkedHashMap<>();
        try (Session f = Vinfer.open(floatModel, so); Session q = Vinfer.open(quantized, so)) {
            for (Map<String, Tensor> in : inputs) {
                Map<String, Tensor> a = f.run(in);
                Map<String, Tensor> b = q.run(in);
                for (var e : a.entrySet()) {
                    Tensor ref = e.getValue();
                    Tensor got = b.get(e.getKey());
                    double[] s = sums.computeIfAbsent(e.getKey(), k -> new double[4]);
                    double err = relL2(got, ref);
                    s[0] += err;
                    s[1] = Math.max(s[1], err);
                    if (ref.size() > 1 && ref.dtype().isFloatingPoint()) {
                        s[2] += argmax(got) == argmax(ref) ? 1 : 0;
                        s[3] = 1;
                    }
                }
            }
        }
        List<QuantizationReport.OutputError> out = new ArrayList<>();
        for (var e : sums.entrySet()) {
            double[] s = e.getValue();
            out.add(new QuantizationReport.OutputError(e.getKey(), s[0] / inputs.size(), s[1],
                    s[3] == 0 ? Double.NaN : s[2] / inputs.size()));
        }
        return out;
    }

    static double relL2(Tensor a, Tensor b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.size(); i++) {
            double d = a.getDouble(i) - b.getDouble(i);
            num += d * d;
            den += b.getDouble(i) * b.getDouble(i);
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }

    static int argmax(Tensor t) {
        int best = 0;
        for (int i = 1; i < t.size(); i++) {
            if (t.getDouble(i) > t.getDouble(best)) {
                best = i;
            }
        }
        return best;
    }
}
