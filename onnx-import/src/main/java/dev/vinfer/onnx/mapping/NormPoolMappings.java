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
import dev.vinfer.ops.nn.resize.AspectRatioPolicy;
import dev.vinfer.ops.nn.resize.CoordinateTransform;
import dev.vinfer.ops.nn.resize.NearestRounding;
import dev.vinfer.ops.nn.resize.ResizeMode;
import dev.vinfer.ops.nn.resize.ResizeOp;
import dev.vinfer.ops.nn.resize.ResizeSpec;
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
                n.getFloat("epsilon", 1e-5f), stashType(n), n.hasOutput(1), n.hasOutput(2)));
        r.add("GroupNormalization", n -> {
            if (!n.has("num_groups")) {
                throw n.error("num_groups is required");
            }
            stashType(n); // validated only: statistics are accumulated in double whatever the stash type
            // opset 18 gave scale and bias one value per group; 21 one per channel
            return new GroupNormalizationOp((int) n.getInt("num_groups", 0), n.getFloat("epsilon", 1e-5f),
                    n.opset() < 21);
        });

        r.add("Resize", NormPoolMappings::resize);
        r.add("Upsample", NormPoolMappings::upsample);
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
        return new BatchNormalizationOp(epsilon, perActivation, training, momentum,
                training && (n.hasOutput(1) || n.hasOutput(2)));
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

    // ---- resizing

    /**
     * Resize: opset 10 had only a scales input and asymmetric coordinates; 11 added roi, sizes and the sampling
     * attributes; 18 added antialias, axes and keep_aspect_ratio_policy.
     */
    private static Operator resize(OnnxNode n) {
        String modeName = n.getString("mode", "nearest");
        if (n.opset() < 11) {
            ResizeMode mode = switch (modeName) {
                case "nearest" -> ResizeMode.NEAREST;
                case "linear" -> ResizeMode.LINEAR;
                default -> throw n.error("unknown mode '" + modeName + "'");
            };
            ResizeSpec spec = ResizeSpec.of(mode, CoordinateTransform.ASYMMETRIC, NearestRounding.FLOOR_UP_CEIL_DOWN);
            return new ResizeOp("Resize", spec, null, -1, 1, -1);
        }
        ResizeMode mode = switch (modeName) {
            case "nearest" -> ResizeMode.NEAREST;
            case "linear" -> ResizeMode.LINEAR;
            case "cubic" -> ResizeMode.CUBIC;
            default -> throw n.error("unknown mode '" + modeName + "'");
        };
        String ctm = n.getString("coordinate_transformation_mode", "half_pixel");
        CoordinateTransform transform = switch (ctm) {
            case "half_pixel" -> CoordinateTransform.HALF_PIXEL;
            case "half_pixel_symmetric" -> CoordinateTransform.HALF_PIXEL_SYMMETRIC;
            case "pytorch_half_pixel" -> CoordinateTransform.PYTORCH_HALF_PIXEL;
            case "align_corners" -> CoordinateTransform.ALIGN_CORNERS;
            case "asymmetric" -> CoordinateTransform.ASYMMETRIC;
            case "tf_half_pixel_for_nn" -> CoordinateTransform.TF_HALF_PIXEL_FOR_NN;
            case "tf_crop_and_resize" -> CoordinateTransform.TF_CROP_AND_RESIZE;
            default -> throw n.error("unknown coordinate_transformation_mode '" + ctm + "'");
        };
        String nearest = n.getString("nearest_mode", "round_prefer_floor");
        NearestRounding rounding = switch (nearest) {
            case "round_prefer_floor" -> NearestRounding.ROUND_PREFER_FLOOR;
            case "round_prefer_ceil" -> NearestRounding.ROUND_PREFER_CEIL;
            case "floor" -> NearestRounding.FLOOR;
            case "ceil" -> NearestRounding.CEIL;
            default -> throw n.error("unknown nearest_mode '" + nearest + "'");
        };
        boolean since18 = n.opset() >= 18;
        String policy = since18 ? n.getString("keep_aspect_ratio_policy", "stretch") : "stretch";
        AspectRatioPolicy aspect = switch (policy) {
            case "stretch" -> AspectRatioPolicy.STRETCH;
            case "not_larger" -> AspectRatioPolicy.NOT_LARGER;
            case "not_smaller" -> AspectRatioPolicy.NOT_SMALLER;
            default -> throw n.error("unknown keep_aspect_ratio_policy '" + policy + "'");
        };
        int[] axes = since18 ? n.getIntArray("axes", null) : null;
        ResizeSpec spec = new ResizeSpec(mode, transform, rounding, n.getFloat("cubic_coeff_a", -0.75f),
                n.getInt("exclude_outside", 0) != 0, n.getFloat("extrapolation_value", 0f),
                since18 && n.getInt("antialias", 0) != 0, axes, aspect);
        return new ResizeOp("Resize", spec, null, 1, 2, 3);
    }

    /**
     * Upsample (deprecated since opset 10) as a Resize with asymmetric coordinates: scales from height_scale and
     * width_scale (opset 1, 4-d only), the scales attribute (7, 8) or the scales input (9+).
     */
    private static Operator upsample(OnnxNode n) {
        String modeName = n.getString("mode", "nearest");
        ResizeMode mode = switch (modeName) {
            case "nearest" -> ResizeMode.NEAREST;
            case "linear" -> ResizeMode.LINEAR;
            case "bilinear" -> {
                if (n.opset() >= 7) {
                    throw n.error("unknown mode 'bilinear' (since opset 7 it is 'linear')");
                }
                yield ResizeMode.LINEAR;
            }
            default -> throw n.error("unknown mode '" + modeName + "'");
        };
        ResizeSpec spec = ResizeSpec.of(mode, CoordinateTransform.ASYMMETRIC, NearestRounding.FLOOR_UP_CEIL_DOWN);
        if (n.opset() >= 9) {
            return new ResizeOp("Upsample", spec, null, -1, 1, -1);
        }
        double[] scales;
        if (n.opset() >= 7) {
            float[] given = n.getFloats("scales", null);
            if (given == null) {
                throw n.error("scales is required");
            }
            scales = new double[given.length];
            for (int i = 0; i < given.length; i++) {
                scales[i] = given[i];
            }
        } else {
            if (!n.has("height_scale") || !n.has("width_scale")) {
                throw n.error("height_scale and width_scale are required");
            }
            scales = new double[] {1, 1, n.getFloat("height_scale", 1f), n.getFloat("width_scale", 1f)};
        }
        return new ResizeOp("Upsample", spec, scales, -1, -1, -1);
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
