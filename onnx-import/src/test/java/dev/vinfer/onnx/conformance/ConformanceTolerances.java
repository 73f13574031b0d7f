package dev.vinfer.onnx.conformance;

import dev.vinfer.onnx.testing.Tolerance;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tolerance each conformance test is held to. The default is the ONNX backend's own (rtol 1e-3, atol 1e-7).
 * Every exception below names the tests it applies to and why; none is loosened just to pass.
 */
final class ConformanceTolerances {
    private ConformanceTolerances() {
    }

    private static final Map<String, Tolerance> BY_PREFIX = new LinkedHashMap<>();

    static {
        // Results near zero after long float reductions: the reference was computed in float64 by numpy and stored
        // as float32; a float32 accumulation differs by a few ulps of the largest partial sum.
        BY_PREFIX.put("test_layer_normalization", new Tolerance(1e-3, 1e-5));
        BY_PREFIX.put("test_group_normalization", new Tolerance(1e-3, 1e-5));
    }

    static Tolerance forTest(String name) {
        for (Map.Entry<String, Tolerance> e : BY_PREFIX.entrySet()) {
            if (name.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return Tolerance.ONNX_DEFAULT;
    }
}
