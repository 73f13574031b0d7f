package dev.vinfer.onnx;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The supported-operator table: every op in the {@link OpRegistry} with its domain and opset range, plus what the
 * ONNX backend tests show about it (element types seen in passing tests, pass counts) when that is known.
 */
public final class OperatorTable {
    private OperatorTable() {
    }

    /** Facts about one op from the conformance run: the dtypes of passing tests, and passed/total counts. */
    public record Evidence(Set<String> dtypes, int passed, int total) {
    }

    /** Short remarks on ops whose support has limits a user should know. */
    private static final Map<String, String> NOTES = new TreeMap<>(Map.ofEntries(
            Map.entry("Conv", "rank 1-3, groups, dilations, auto_pad; float32; algorithm forceable"),
            Map.entry("ConvTranspose", "rank 1-3, groups, output_padding, output_shape; float32"),
            Map.entry("Gemm", "float32; constant B packed once"),
            Map.entry("MatMul", "numpy broadcasting; float32 fast path, other types reference loops"),
            Map.entry("Cast", "no float16/bfloat16/float8/int4/string"),
            Map.entry("If", "branches may read outer values; tensor outputs only (no sequences/optionals)"),
            Map.entry("Loop", "tensor carried values and scan outputs"),
            Map.entry("Dropout", "inference identity; training mode reproduces numpy's seeded mask"),
            Map.entry("Resize", "nearest/linear/cubic, all coordinate modes, antialias, axes"),
            Map.entry("ImageScaler", "experimental op, opsets < 10"),
            Map.entry("Crop", "experimental op, opsets < 10"),
            Map.entry("Affine", "experimental op, opsets < 10")));

    /** Markdown table; {@code evidence} maps op type to conformance facts (may be empty). */
    public static String markdown(OpRegistry registry, Map<String, Evidence> evidence) {
        StringBuilder sb = new StringBuilder();
        sb.append("| op | domain | opsets | dtypes seen passing | backend tests | notes |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (OpRegistry.Entry e : registry.entries()) {
            Evidence ev = evidence.get(e.opType());
            String domain = e.domain().isEmpty() ? "ai.onnx" : e.domain();
            sb.append("| ").append(e.opType()).append(" | ").append(domain).append(" | ").append(opsets(e))
                    .append(" | ").append(ev == null || !e.domain().isEmpty() ? "" : String.join(", ", ev.dtypes()))
                    .append(" | ").append(ev == null || !e.domain().isEmpty() ? "" : ev.passed() + "/" + ev.total())
                    .append(" | ").append(e.domain().isEmpty() ? NOTES.getOrDefault(e.opType(), "") : "")
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** One line per op for the terminal: op, domain, opsets. */
    public static String plain(OpRegistry registry) {
        StringBuilder sb = new StringBuilder();
        for (OpRegistry.Entry e : registry.entries()) {
            String domain = e.domain().isEmpty() ? "ai.onnx" : e.domain();
            sb.append(String.format("%-28s %-14s %-8s %s%n", e.opType(), domain, opsets(e),
                    e.domain().isEmpty() ? NOTES.getOrDefault(e.opType(), "") : ""));
        }
        return sb.toString();
    }

    static String opsets(OpRegistry.Entry e) {
        if (e.maxOpset() == Integer.MAX_VALUE) {
            return e.minOpset() + "+";
        }
        return e.minOpset() + "-" + e.maxOpset();
    }
}
