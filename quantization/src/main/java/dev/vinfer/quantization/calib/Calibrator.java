package dev.vinfer.quantization.calib;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Runs the float model (unoptimized, so every ONNX tensor keeps its name) over the calibration inputs and records
 * the values of the tensors to quantize: min/max in a first pass, then, for the histogram methods, a histogram in a
 * second pass over the same inputs.
 */
final class Calibrator {
    private final Session session;
    private final Map<String, RangeCollector> collectors = new HashMap<>();

    Calibrator(Session session, Set<String> tensors) {
        this.session = session;
        for (String t : tensors) {
            collectors.put(t, new RangeCollector());
        }
    }

    /** Runs the passes; {@code progress} gets the number of runs done so far. */
    void calibrate(List<Map<String, Tensor>> inputs, CalibrationMethod method, IntConsumer progress) {
        int done = 0;
        for (Map<String, Tensor> in : inputs) {
            run(in, false);
            progress.accept(++done);
        }
        if (method != CalibrationMethod.MINMAX) {
            collectors.values().forEach(RangeCollector::startHistogram);
            for (Map<String, Tensor> in : inputs) {
                run(in, true);
                progress.accept(++done);
            }
        }
    }

    private void run(Map<String, Tensor> in, boolean histogram) {
        for (var e : in.entrySet()) {
            observe(e.getKey(), e.getValue(), histogram);
        }
        session.run(in, t -> {
            for (int o = 0; o < t.node().outputCount(); o++) {
                Value v = t.node().output(o);
                if (v != null && o < t.outputs().length) {
                    observe(v.name(), t.outputs()[o], histogram);
                }
            }
        });
    }

    private void observe(String name, Tensor t, boolean histogram) {
        RangeCollector c = collectors.get(name);
        if (c == null || t == null || t.dtype() != DType.FLOAT32) {
            return;
        }
        if (histogram) {
            c.observeHistogram(t.floats(), t.offset(), t.size());
        } else {
            c.observeRange(t.floats(), t.offset(), t.size());
        }
    }

    RangeCollector collector(String tensor) {
        return collectors.get(tensor);
    }
}
