package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OnnxNode;
import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.onnx.UnsupportedFormException;
import dev.vinfer.ops.nn.norm.BatchNormalizationOp;
import dev.vinfer.ops.nn.norm.GroupNormalizationOp;
import dev.vinfer.ops.nn.norm.InstanceNormalizationOp;
import dev.vinfer.ops.nn.norm.LayerNormalizationOp;
import dev.vinfer.ops.nn.norm.LrnOp;
import dev.vinfer.ops.nn.pool.AveragePoolOp;
import dev.vinfer.ops.nn.pool.GlobalPoolOp;
import dev.vinfer.ops.nn.pool.LpPoolOp;
import dev.vinfer.ops.nn.pool.MaxPoolOp;
import dev.vinfer.ops.nn.pool.PaddingPolicy;
import dev.vinfer.ops.nn.pool.PoolWindow;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Operator;
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

        r.add("BatchNormalization", NormPoolMappings::batchNormalization);
        r.add("InstanceNormalization", n -> new InstanceNormalizationOp(n.getFloat("epsilon", 1e-5f)));
        r.add("LRN", n -> {
            if (!n.has("size")) {
                throw n.error("size is required");
            }
            return new LrnOp((int) n.getInt("size", 0), n.getFloat("alpha", 1e-4f), n.getFloat("beta", 0.75f),
                    n.getFloat("bias", 1f));
        });
        r.add("LayerNormalization", n -> new LayerNormalizationOp((int) n.getInt("axis", -1),
                n.getFloat("epsilon", 1e-5f), stashType(n), n.hasOutput(1) || n.hasOutput(2)));
        r.add("GroupNormalization", n -> {
            if (!n.has("num_groups")) {
                throw n.error("num_groups is required");
            }
            stashType(n);
            // opset 18 gave scale and bias one value per group; 21 one per channel
            return new GroupNormalizationOp((int) n.getInt("num_groups", 0), n.getFloat("epsilon", 1e-5f),
                    n.opset() < 21);
        });
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

    // ---- normalization

    /**
     * BatchNormalization across its versions: is_test (before 7) and training_mode (14+) choose batch statistics;
     * spatial=0 (before 9) means one parameter per activation. The extra outputs of versions before 14 (training
     * statistics) are not supported.
     */
    private static Operator batchNormalization(OnnxNode n) {
        double epsilon = n.getFloat("epsilon", 1e-5f);
        double momentum = n.getFloat("momentum", 0.9f);
        boolean perActivation = n.opset() < 9 && n.getInt("spatial", 1) == 0;
        boolean training;
        if (n.opset() >= 14) {
            training = n.getInt("training_mode", 0) != 0;
            if (!training && (n.hasOutput(1) || n.hasOutput(2))) {
                throw n.error("running_mean and running_var are outputs of training_mode=1 only");
            }
        } else {
            for (int i = 1; i < n.outputCount(); i++) {
                if (n.hasOutput(i)) {
                    throw new UnsupportedFormException("BatchNormalization (opset " + n.opset()
                            + ") with training outputs");
                }
            }
            training = n.opset() < 7 && n.getInt("is_test", 0) == 0;
        }
        if (training && perActivation) {
            throw new UnsupportedFormException("BatchNormalization training with spatial=0");
        }
        return new BatchNormalizationOp(epsilon, perActivation, training, momentum);
    }

    /** stash_type as the dtype of LayerNormalization's statistics. */
    private static DType stashType(OnnxNode n) {
        long t = n.getInt("stash_type", 1);
        if (t == 1) {
            return DType.FLOAT32;
        }
        if (t == 11) {
            return DType.FLOAT64;
        }
        throw new UnsupportedFormException(n.opType() + " with stash_type=" + t);
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
