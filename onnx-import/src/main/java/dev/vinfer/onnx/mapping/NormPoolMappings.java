package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OnnxNode;
import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.onnx.UnsupportedFormException;
import dev.vinfer.ops.nn.pool.AveragePoolOp;
import dev.vinfer.ops.nn.pool.GlobalPoolOp;
import dev.vinfer.ops.nn.pool.LpPoolOp;
import dev.vinfer.ops.nn.pool.MaxPoolOp;
import dev.vinfer.ops.nn.pool.PaddingPolicy;
import dev.vinfer.ops.nn.pool.PoolWindow;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;

/**
 * Pooling, normalization and resizing: MaxPool, AveragePool, LpPool, the Global pools, BatchNormalization,
 * InstanceNormalization, LRN, LayerNormalization, GroupNormalization, Resize and Upsample.
 *
 * <p>Opset differences are settled here: attribute defaults and types that changed between versions, auto_pad
 * turned into a {@link PaddingPolicy}, legacy BatchNormalization attributes, GroupNormalization's per-group
 * scale (opset 18), and Upsample expressed as an asymmetric Resize.
 */
public final class NormPoolMappings {
    private NormPoolMappings() {
    }

    public static void register(OpRegistry r) {
        r.add("MaxPool", n -> new MaxPoolOp(poolWindow(n), n.hasOutput(1), storageOrder(n)));
        r.add("AveragePool", n -> new AveragePoolOp(poolWindow(n), n.getInt("count_include_pad", 0) != 0));
        r.add("LpPool", n -> new LpPoolOp(poolWindow(n), lpNorm(n)));
        r.add("GlobalAveragePool", n -> new GlobalPoolOp(GlobalPoolOp.Kind.AVERAGE, 0));
        r.add("GlobalMaxPool", n -> new GlobalPoolOp(GlobalPoolOp.Kind.MAX, 0));
        r.add("GlobalLpPool", n -> new GlobalPoolOp(GlobalPoolOp.Kind.LP, lpNorm(n)));
    }

    // ---- pooling

    /** The window attributes shared by the pooling ops, with auto_pad as a padding policy. */
    static PoolWindow poolWindow(OnnxNode n) {
        int[] kernel = n.getIntArray("kernel_shape", null);
        if (kernel == null || kernel.length == 0) {
            throw n.error("kernel_shape is required");
        }
        int k = kernel.length;
        int[] ones = new int[k];
        Arrays.fill(ones, 1);
        int[] strides = intsOrDefault(n, "strides", ones);
        int[] dilations = intsOrDefault(n, "dilations", ones);
        int[] pads = intsOrDefault(n, "pads", new int[2 * k]);
        PaddingPolicy policy = paddingPolicy(n);
        if (policy != PaddingPolicy.EXPLICIT) {
            pads = new int[2 * k]; // the spec forbids pads with auto_pad; like onnxruntime, ignore them
        }
        PoolWindow w = new PoolWindow(kernel, strides, dilations, pads, policy, n.getInt("ceil_mode", 0) != 0);
        Tensor constant = n.constantInput(0);
        return constant == null ? w : w.resolvedFor(constant.shape());
    }

    /** auto_pad as a policy; also used for ops that share the attribute. */
    static PaddingPolicy paddingPolicy(OnnxNode n) {
        String autoPad = n.getString("auto_pad", "NOTSET");
        return switch (autoPad) {
            case "NOTSET", "" -> PaddingPolicy.EXPLICIT;
            case "SAME_UPPER" -> PaddingPolicy.SAME_EXTRA_AT_END;
            case "SAME_LOWER" -> PaddingPolicy.SAME_EXTRA_AT_BEGIN;
            case "VALID" -> PaddingPolicy.VALID;
            default -> throw n.error("unknown auto_pad '" + autoPad + "'");
        };
    }

    /** An ints attribute, or {@code dflt} when absent or empty (some exporters write empty lists). */
    private static int[] intsOrDefault(OnnxNode n, String attr, int[] dflt) {
        int[] v = n.getIntArray(attr, null);
        return v == null || v.length == 0 ? dflt : v;
    }

    private static boolean storageOrder(OnnxNode n) {
        long order = n.getInt("storage_order", 0);
        if (order != 0 && order != 1) {
            throw n.error("storage_order must be 0 or 1, got " + order);
        }
        return order == 1;
    }

    /** LpPool's p: a float attribute in opset 1, an int since opset 2; default 2. */
    private static double lpNorm(OnnxNode n) {
        double p = n.opset() < 2 ? n.getFloat("p", 2f) : n.getInt("p", 2);
        if (!(p > 0)) {
            throw new UnsupportedFormException(n.opType() + " with p=" + p);
        }
        return p;
    }
}
