package dev.vinfer.quantization.simd;

/** The plain-Java {@link QuantKernels}: the reference the vector kernels are tested against. */
public final class ScalarQuantKernels implements QuantKernels {
    static final ScalarQuantKernels INSTANCE = new ScalarQuantKernels();

    private ScalarQuantKernels() {
    }

    @Override
    public int center(byte[] src, int srcOff, boolean unsigned, int zero, float[] dst, int dstOff, int n) {
        int max = 0;
        for (int i = 0; i < n; i++) {
            int q = (unsigned ? src[srcOff + i] & 0xFF : src[srcOff + i]) - zero;
            dst[dstOff + i] = q;
            max = Math.max(max, Math.abs(q));
        }
        return max;
    }

    @Override
    public void requantize(float[] acc, int accOff, float mult, float add, Activation act, int zero, int qmin,
            int qmax, byte[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = act.apply(Math.fma(acc[accOff + i], mult, add));
            dst[dstOff + i] = (byte) saturate(v, zero, qmin, qmax);
        }
    }

    @Override
    public void requantizeRow(float[] acc, int accOff, float[] mult, float[] add, Activation act, int zero,
            int qmin, int qmax, byte[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = act.apply(Math.fma(acc[accOff + i], mult[i], add[i]));
            dst[dstOff + i] = (byte) saturate(v, zero, qmin, qmax);
        }
    }

    @Override
    public void binary(boolean multiply, byte[] a, int aOff, boolean aUnsigned, int aZero, float aScale, byte[] b,
            int bOff, boolean bUnsigned, int bZero, float bScale, Activation act, float yScale, int yZero, int qmin,
            int qmax, byte[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            float fa = ((aUnsigned ? a[aOff + i] & 0xFF : a[aOff + i]) - aZero) * aScale;
            float fb = ((bUnsigned ? b[bOff + i] & 0xFF : b[bOff + i]) - bZero) * bScale;
            float v = act.apply(multiply ? fa * fb : fa + fb);
            dst[dstOff + i] = (byte) saturate(v / yScale, yZero, qmin, qmax);
        }
    }

    @Override
    public void quantize(float[] src, int srcOff, float scale, int zero, int qmin, int qmax, byte[] dst, int dstOff,
            int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = (byte) saturate(src[srcOff + i] / scale, zero, qmin, qmax);
        }
    }

    /** {@code clamp(rint(v) + zero, qmin, qmax)}; NaN gives the zero point. */
    public static int saturate(float v, int zero, int qmin, int qmax) {
        double r = Math.rint(v);
        if (Double.isNaN(r)) {
            r = 0;
        }
        double q = Math.max(qmin, Math.min(qmax, r + zero));
        return (int) q;
    }

    @Override
    public void addToInts(float[] src, int srcOff, int[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] += (int) src[srcOff + i];
        }
    }
}
