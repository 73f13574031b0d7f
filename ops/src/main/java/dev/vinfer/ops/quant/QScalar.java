package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * A per-tensor scale and zero point, with the float dequantize/quantize steps of the com.microsoft QLinear* ops
 * ("dequantize, compute in float32, requantize").
 */
record QScalar(float scale, int zeroPoint) {

    /** Reads a scale (scalar) and an optional zero point (scalar, absent means 0). */
    static QScalar of(Tensor scale, Tensor zeroPoint, String name) {
        return new QScalar(QuantMath.scalarScale(scale, name + " scale"),
                QuantMath.scalarZeroPoint(zeroPoint, name + " zero point"));
    }

    float dequantize(int q) {
        return (q - zeroPoint) * scale;
    }

    /** {@code saturate(rint(v / scale) + zeroPoint)} into the range of {@code type}. */
    int quantize(float v, DType type) {
        return QuantMath.quantize(v / scale, zeroPoint, QuantMath.qmin(type), QuantMath.qmax(type));
    }

    /** The output type: the zero point's when given, else the input's; either must be int8 or uint8. */
    static DType outputType(Tensor zeroPoint, Tensor input) {
        DType t = zeroPoint == null ? input.dtype() : zeroPoint.dtype();
        requireByte(t, "output");
        return t;
    }

    static void requireByte(DType t, String what) {
        if (t != DType.INT8 && t != DType.UINT8) {
            throw new VinferException(what + " must be int8 or uint8, got " + t.displayName());
        }
    }
}
