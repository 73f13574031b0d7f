package dev.vinfer.onnx;

import dev.vinfer.onnx.mapping.BinaryMappings;
import dev.vinfer.onnx.mapping.ControlFlowMappings;
import dev.vinfer.onnx.mapping.ConvMappings;
import dev.vinfer.onnx.mapping.ElementwiseMappings;
import dev.vinfer.onnx.mapping.LegacyMappings;
import dev.vinfer.onnx.mapping.NormPoolMappings;
import dev.vinfer.onnx.mapping.QuantMappings;
import dev.vinfer.onnx.mapping.RecurrentMappings;
import dev.vinfer.onnx.mapping.ShapeMappings;
import dev.vinfer.onnx.mapping.TensorMappings;
import java.util.Map;
import java.util.TreeMap;

/** Which ONNX ops vinfer understands, and the {@link OpMapper} for each, keyed by domain and op type. */
public final class OpRegistry {
    private final Map<String, Entry> mappers = new TreeMap<>();

    /** One registered op: its opset range (inclusive) and mapper. */
    public record Entry(String domain, String opType, int minOpset, int maxOpset, OpMapper mapper) {
    }

    /** The registry with every op vinfer ships. */
    public static OpRegistry standard() {
        OpRegistry r = new OpRegistry();
        ElementwiseMappings.register(r);
        BinaryMappings.register(r);
        ShapeMappings.register(r);
        TensorMappings.register(r);
        ConvMappings.register(r);
        NormPoolMappings.register(r);
        QuantMappings.register(r);
        ControlFlowMappings.register(r);
        LegacyMappings.register(r);
        RecurrentMappings.register(r);
        return r;
    }

    /** Registers an op of the default ONNX domain for every opset. */
    public OpRegistry add(String opType, OpMapper mapper) {
        return add("", opType, 1, Integer.MAX_VALUE, mapper);
    }

    /** Registers an op of {@code domain} ("" is the default ONNX domain) for opsets [minOpset, maxOpset]. */
    public OpRegistry add(String domain, String opType, int minOpset, int maxOpset, OpMapper mapper) {
        String d = normalizeDomain(domain);
        mappers.put(key(d, opType), new Entry(d, opType, minOpset, maxOpset, mapper));
        return this;
    }

    /** The entry for an op, or null. */
    public Entry find(String domain, String opType) {
        return mappers.get(key(normalizeDomain(domain), opType));
    }

    /** All entries, sorted by domain then op. */
    public java.util.Collection<Entry> entries() {
        return mappers.values();
    }

    /** "" for the default domain whichever way the model spells it. */
    public static String normalizeDomain(String domain) {
        return domain == null || domain.equals("ai.onnx") ? "" : domain;
    }

    private static String key(String domain, String opType) {
        return domain + "::" + opType;
    }
}
