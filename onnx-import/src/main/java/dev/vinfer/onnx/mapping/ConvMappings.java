package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OnnxNode;
import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.ops.conv.ConvAttributes;
import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.conv.ConvPadding;
import dev.vinfer.ops.conv.ConvTransposeOp;
import dev.vinfer.ops.gemm.GemmOp;
import dev.vinfer.ops.gemm.MatMulOp;
import java.util.Arrays;

/** Conv, ConvTranspose, Gemm and MatMul. */
public final class ConvMappings {
    private ConvMappings() {
    }

    public static void register(OpRegistry r) {
        r.add("Conv", n -> new ConvOp(attributes(n, false), n.constantInput(1), n.constantInput(2), null));
        r.add("ConvTranspose", n -> new ConvTransposeOp(attributes(n, true), n.constantInput(1)));
        r.add("Gemm", n -> {
            // Before opset 7, C either had Y's shape or broadcast=1 allowed broadcasting: both fit numpy rules.
            return new GemmOp(n.getInt("transA", 0) != 0, n.getInt("transB", 0) != 0, n.getFloat("alpha", 1f),
                    n.getFloat("beta", 1f), n.constantInput(1));
        });
        r.add("MatMul", n -> new MatMulOp(n.constantInput(1)));
    }

    /** Reads the shared Conv/ConvTranspose attributes, turning auto_pad into a padding policy. */
    static ConvAttributes attributes(OnnxNode n, boolean transpose) {
        int[] kernel = n.getIntArray("kernel_shape", null);
        int[] strides = n.getIntArray("strides", null);
        int[] dilations = n.getIntArray("dilations", null);
        int[] pads = n.getIntArray("pads", null);
        String autoPad = n.getString("auto_pad", "NOTSET");
        ConvPadding padding = switch (autoPad) {
            case "NOTSET", "" -> {
                if (pads == null) {
                    int rank = kernel != null ? kernel.length : strides != null ? strides.length : -1;
                    yield rank < 0 ? ConvPadding.auto(ConvPadding.Mode.VALID)
                            : ConvPadding.explicit(new int[rank], new int[rank]);
                }
                if (pads.length % 2 != 0) {
                    throw n.error("pads must have 2 values per spatial axis, got " + Arrays.toString(pads));
                }
                int r = pads.length / 2;
                yield ConvPadding.explicit(Arrays.copyOfRange(pads, 0, r), Arrays.copyOfRange(pads, r, 2 * r));
            }
            case "SAME_UPPER" -> ConvPadding.auto(ConvPadding.Mode.SAME_UPPER);
            case "SAME_LOWER" -> ConvPadding.auto(ConvPadding.Mode.SAME_LOWER);
            case "VALID" -> ConvPadding.auto(ConvPadding.Mode.VALID);
            default -> throw n.error("unknown auto_pad '" + autoPad + "'");
        };
        int group = (int) n.getInt("group", 1);
        if (group < 1) {
            throw n.error("group must be >= 1, got " + group);
        }
        int[] outputPadding = transpose ? n.getIntArray("output_padding", null) : null;
        int[] outputShape = transpose ? n.getIntArray("output_shape", null) : null;
        return new ConvAttributes(kernel, strides, dilations, padding, group, outputPadding, outputShape);
    }
}
