package dev.vinfer.quantization.exec;

import dev.vinfer.runtime.DType;

/**
 * One per-tensor quantization: scale, zero point and the quantized dtype (int8 or uint8), with the exact float32
 * arithmetic of DequantizeLinear and QuantizeLinear, so fused kernels can reproduce the unfused path bit for bit
 * where they work element by element.
 */
public record QParams(float scale, int zeroPoint, DType dtype) {

    public boolean unsigned() {
        return dtype == DType.UINT8;
    }

    public int qmin() {
        return dtype == DType.UINT8 ? 0 : -128;
    }

    public int qmax() {
        return dtype == DType.UINT8 ? 255 : 127;
    }

    /** The int value of a stored byte. */
    public int valueOf(byte b) {
        return dtype == DType.UINT8 ? b & 0xFF : b;
    }

    /** DequantizeLinear of one value: {@code (q - zero) * scale}, rounded once to float32. */
    public float dequantize(int q) {
        return (float) ((double) (q - zeroPoint) * scale);
    }

    /** QuantizeLinear of one value: float32 division, round half to even, add the zero point, saturate. */
    public int quantize(float v) {
        double r = Math.rint(v / scale);
        if (Double.isNaN(r)) {
            r = 0;
        }
        return (int) Math.max(qmin(), Math.min(qmax(), Math.max(-1e12, Math.min(1e12, r)) + zeroPoint));
    }

    /** The float value of every byte pattern, indexed by the unsigned byte (0..255). */
    public float[] dequantizeTable() {
        float[] t = new float[256];
        for (int b = 0; b < 256; b++) {
            t[b] = dequantize(valueOf((byte) b));
        }
        return t;
    }

    /** Largest |q - zero| over the dtype's range: bounds the centered operand in exactness proofs. */
    public int maxCentered() {
        return Math.max(Math.abs(qmin() - zeroPoint), Math.abs(qmax() - zeroPoint));
    }
}
