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
import dev.vinfer.ops.quant.QLinearAveragePoolOp;
import dev.vinfer.ops.quant.QLinearBinaryOp;
import dev.vinfer.ops.quant.QLinearConcatOp;
import dev.vinfer.ops.quant.QLinearConvOp;
import dev.vinfer.ops.quant.QLinearGlobalAveragePoolOp;
import dev.vinfer.ops.quant.QLinearMatMulOp;
import dev.vinfer.ops.quant.QLinearUnaryOp;
import dev.vinfer.ops.quant.QuantMath;
import dev.vinfer.ops.quant.QuantizeLinearOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.ModelException;

/**
 * Quantization ops: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, QLinearConv, QLinearMatMul,
 * ConvInteger, MatMulInteger; and the com.microsoft QLinear* ops that int8 model-zoo models use.
 */
public final class QuantMappings {
    private static final int ONNX_FLOAT = 1;
    private static final String MS = "com.microsoft";

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
        registerMicrosoft(r);
    }

    /** com.microsoft opset 1: QLinear* ops with "dequantize, compute in float32, requantize" semantics. */
    private static void registerMicrosoft(OpRegistry r) {
        int any = Integer.MAX_VALUE;
        r.add(MS, "QuantizeLinear", 1, any, n -> new QuantizeLinearOp(n.getInt("axis", 1), 0, null));
        r.add(MS, "DequantizeLinear", 1, any, n -> new DequantizeLinearOp(n.getInt("axis", 1), 0));
        r.add(MS, "QLinearConv", 1, any, n -> {
            requireChannelsFirst(n);
            return new QLinearConvOp(convGeometry(n));
        });
        r.add(MS, "QLinearAdd", 1, any, n -> new QLinearBinaryOp(QLinearBinaryOp.Kind.ADD));
        r.add(MS, "QLinearMul", 1, any, n -> new QLinearBinaryOp(QLinearBinaryOp.Kind.MUL));
        r.add(MS, "QLinearSigmoid", 1, any, n -> QLinearUnaryOp.sigmoid());
        r.add(MS, "QLinearLeakyRelu", 1, any, n -> QLinearUnaryOp.leakyRelu(n.getFloat("alpha", 0.01f)));
        r.add(MS, "QLinearGlobalAveragePool", 1, any,
                n -> new QLinearGlobalAveragePoolOp(n.getInt("channels_last", 0) != 0));
        r.add(MS, "QLinearConcat", 1, any, n -> {
            if (!n.has("axis")) {
                throw n.error("QLinearConcat needs the axis attribute");
            }
            return new QLinearConcatOp(n.getInt("axis", 0));
        });
        r.add(MS, "QLinearAveragePool", 1, any, QuantMappings::averagePool);
    }

    private static void requireChannelsFirst(OnnxNode n) {
        if (n.getInt("channels_last", 0) != 0) {
            throw new UnsupportedFormException(n.opType() + " with channels_last=1");
        }
    }

    private static QLinearAveragePoolOp averagePool(OnnxNode n) {
        int[] kernel = n.getIntArray("kernel_shape", null);
        if (kernel == null) {
            throw n.error("QLinearAveragePool needs kernel_shape");
        }
        for (int k : kernel) {
            if (k < 1) {
                throw n.error("kernel_shape must be positive, got " + java.util.Arrays.toString(kernel));
            }
        }
        int[] strides = n.getIntArray("strides", null);
        if (strides != null) {
            for (int s : strides) {
                if (s < 1) {
                    throw n.error("strides must be positive, got " + java.util.Arrays.toString(strides));
                }
            }
        }
        return new QLinearAveragePoolOp(kernel, strides, n.getIntArray("pads", null), padMode(n),
                n.getInt("ceil_mode", 0) != 0, n.getInt("count_include_pad", 0) != 0,
                n.getInt("channels_last", 0) != 0);
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
        ConvGeometry.PadMode mode = padMode(n);
        long group = n.getInt("group", 1);
        if (group < 1 || group > Integer.MAX_VALUE) {
            throw n.error("group must be a positive int, got " + group);
        }
        return new ConvGeometry(n.getIntArray("kernel_shape", null), n.getIntArray("strides", null),
                n.getIntArray("pads", null), n.getIntArray("dilations", null), (int) group, mode);
    }

    private static ConvGeometry.PadMode padMode(OnnxNode n) {
        String autoPad = n.getString("auto_pad", "NOTSET");
        return switch (autoPad) {
            case "NOTSET", "" -> ConvGeometry.PadMode.EXPLICIT;
            case "SAME_UPPER" -> ConvGeometry.PadMode.SAME_UPPER;
            case "SAME_LOWER" -> ConvGeometry.PadMode.SAME_LOWER;
            case "VALID" -> ConvGeometry.PadMode.VALID;
            default -> throw n.error("unknown auto_pad '" + autoPad + "'");
        };
    }
}
