package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OnnxNode;
import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.UnsupportedFormException;
import dev.vinfer.ops.quant.ConvGeometry;
import dev.vinfer.ops.quant.ConvIntegerOp;
import dev.vinfer.ops.quant.DequantizeLinearOp;
import dev.vinfer.ops.quant.DynamicQuantizeLinearOp;
import dev.vinfer.ops.quant.MatMulIntegerOp;
import dev.vinfer.ops.quant.QLinearConvOp;
import dev.vinfer.ops.quant.QLinearMatMulOp;
import dev.vinfer.ops.quant.QuantMath;
import dev.vinfer.ops.quant.QuantizeLinearOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.ModelException;

/**
 * Quantization ops: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, QLinearConv, QLinearMatMul,
 * ConvInteger, MatMulInteger.
 */
public final class QuantMappings {
    private static final int ONNX_FLOAT = 1;

    private QuantMappings() {
    }

    public static void register(OpRegistry r) {
        r.add("QuantizeLinear", QuantMappings::quantizeLinear);
        r.add("DequantizeLinear", QuantMappings::dequantizeLinear);
        r.add("DynamicQuantizeLinear", n -> new DynamicQuantizeLinearOp());
        r.add("QLinearConv", n -> new QLinearConvOp(convGeometry(n)));
        r.add("ConvInteger", n -> new ConvIntegerOp(convGeometry(n)));
        r.add("QLinearMatMul", n -> new QLinearMatMulOp());
        r.add("MatMulInteger", n -> new MatMulIntegerOp());
    }

    /**
     * Opset 10 is per tensor only (no axis attribute); 13 adds axis; 19 saturate (float8 only, so irrelevant
     * here); 21 block_size and output_dtype; 23 precision.
     */
    private static QuantizeLinearOp quantizeLinear(OnnxNode n) {
        int precision = (int) n.getInt("precision", 0);
        if (precision != 0 && precision != ONNX_FLOAT) {
            throw new UnsupportedFormException("QuantizeLinear with precision " + precision + " (only float32)");
        }
        DType outputDtype = null;
        int code = (int) n.getInt("output_dtype", 0);
        if (code != 0) {
            outputDtype = dtype(code, "QuantizeLinear output_dtype");
            if (!QuantMath.isQuantizedType(outputDtype)) {
                throw new UnsupportedFormException("QuantizeLinear to " + outputDtype.displayName());
            }
        }
        return new QuantizeLinearOp(n.getInt("axis", 1), blockSize(n), outputDtype);
    }

    private static DequantizeLinearOp dequantizeLinear(OnnxNode n) {
        int code = (int) n.getInt("output_dtype", 0);
        if (code != 0 && code != ONNX_FLOAT) {
            throw new UnsupportedFormException("DequantizeLinear to ONNX type " + code + " (only float32)");
        }
        return new DequantizeLinearOp(n.getInt("axis", 1), blockSize(n));
    }

    private static int blockSize(OnnxNode n) {
        long b = n.getInt("block_size", 0);
        if (b < 0 || b > Integer.MAX_VALUE) {
            throw n.error("block_size must be a non-negative int, got " + b);
        }
        return (int) b;
    }

    private static DType dtype(int code, String what) {
        try {
            return TensorProtos.dtypeOf(code, what);
        } catch (ModelException e) {
            throw new UnsupportedFormException(e.getMessage());
        }
    }

    /** Conv attributes with auto_pad turned into a {@link ConvGeometry.PadMode}. */
    static ConvGeometry convGeometry(OnnxNode n) {
        String autoPad = n.getString("auto_pad", "NOTSET");
        ConvGeometry.PadMode mode = switch (autoPad) {
            case "NOTSET", "" -> ConvGeometry.PadMode.EXPLICIT;
            case "SAME_UPPER" -> ConvGeometry.PadMode.SAME_UPPER;
            case "SAME_LOWER" -> ConvGeometry.PadMode.SAME_LOWER;
            case "VALID" -> ConvGeometry.PadMode.VALID;
            default -> throw n.error("unknown auto_pad '" + autoPad + "'");
        };
        long group = n.getInt("group", 1);
        if (group < 1 || group > Integer.MAX_VALUE) {
            throw n.error("group must be a positive int, got " + group);
        }
        return new ConvGeometry(n.getIntArray("kernel_shape", null), n.getIntArray("strides", null),
                n.getIntArray("pads", null), n.getIntArray("dilations", null), (int) group, mode);
    }
}
