package dev.vinfer.quantization.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link QuantKernels} on the Vector API, at the platform's preferred float width. Rounding half to even uses the
 * float adder itself: for {@code |v| <= 2^22}, {@code (v + 1.5 * 2^23) - 1.5 * 2^23} is {@code rint(v)} under the
 * default round-to-nearest-even mode; values are clamped to the (integer) saturation bounds first, which commutes
 * with rint, so the trick always applies.
 */
public final class VectorQuantKernels implements QuantKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B = byteSpeciesFor(F.length());
    private static final float MAGIC = 12582912f;

    private static VectorSpecies<Byte> byteSpeciesFor(int lanes) {
        return switch (lanes) {
            case 16 -> ByteVector.SPECIES_128;
            case 8 -> ByteVector.SPECIES_64;
            default -> throw new UnsupportedOperationException("float vectors of " + lanes + " lanes");
        };
    }

    public VectorQuantKernels() {
        if (F.length() != I.length()) {
            throw new UnsupportedOperationException("int and float species differ");
        }
    }

    @Override
    public int center(byte[] src, int srcOff, boolean unsigned, int zero, float[] dst, int dstOff, int n) {
        int lanes = F.length();
        int i = 0;
        IntVector maxAbs = IntVector.zero(I);
        for (; i <= n - lanes; i += lanes) {
            IntVector v = (IntVector) ByteVector.fromArray(B, src, srcOff + i).convertShape(VectorOperators.B2I, I, 0);
            if (unsigned) {
                v = v.and(0xFF);
            }
            v = v.sub(zero);
            maxAbs = maxAbs.max(v.abs());
            ((FloatVector) v.convertShape(VectorOperators.I2F, F, 0)).intoArray(dst, dstOff + i);
        }
        int max = maxAbs.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            int q = (unsigned ? src[srcOff + i] & 0xFF : src[srcOff + i]) - zero;
            dst[dstOff + i] = q;
            max = Math.max(max, Math.abs(q));
        }
        return max;
    }

    @Override
    public void requantize(float[] acc, int accOff, float mult, float add, Activation act, int zero, int qmin,
            int qmax, byte[] dst, int dstOff, int n) {
        int lanes = F.length();
        float satLo = qmin - zero;
        float satHi = qmax - zero;
        boolean leaky = act.alpha() != 1f;
        boolean clip = act.lo() != Float.NEGATIVE_INFINITY || act.hi() != Float.POSITIVE_INFINITY;
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            FloatVector v = FloatVector.fromArray(F, acc, accOff + i).fma(mult, add);
            if (leaky) {
                v = v.blend(v.mul(act.alpha()), v.compare(VectorOperators.LT, 0f));
            }
            if (clip) {
                v = v.max(act.lo()).min(act.hi());
            }
            v = v.max(satLo).min(satHi).add(MAGIC).sub(MAGIC);
            IntVector q = ((IntVector) v.convertShape(VectorOperators.F2I, I, 0)).add(zero);
            q.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            float v = act.apply(Math.fma(acc[accOff + i], mult, add));
            dst[dstOff + i] = (byte) ScalarQuantKernels.saturate(v, zero, qmin, qmax);
        }
    }

    @Override
    public void requantizeRow(float[] acc, int accOff, float[] mult, float[] add, Activation act, int zero,
            int qmin, int qmax, byte[] dst, int dstOff, int n) {
        int lanes = F.length();
        float satLo = qmin - zero;
        float satHi = qmax - zero;
        boolean leaky = act.alpha() != 1f;
        boolean clip = act.lo() != Float.NEGATIVE_INFINITY || act.hi() != Float.POSITIVE_INFINITY;
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            FloatVector v = FloatVector.fromArray(F, acc, accOff + i)
                    .fma(FloatVector.fromArray(F, mult, i), FloatVector.fromArray(F, add, i));
            if (leaky) {
                v = v.blend(v.mul(act.alpha()), v.compare(VectorOperators.LT, 0f));
            }
            if (clip) {
                v = v.max(act.lo()).min(act.hi());
            }
            v = v.max(satLo).min(satHi).add(MAGIC).sub(MAGIC);
            IntVector q = ((IntVector) v.convertShape(VectorOperators.F2I, I, 0)).add(zero);
            q.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            float v = act.apply(Math.fma(acc[accOff + i], mult[i], add[i]));
            dst[dstOff + i] = (byte) ScalarQuantKernels.saturate(v, zero, qmin, qmax);
        }
    }

    @Override
    public void binary(boolean multiply, byte[] a, int aOff, boolean aUnsigned, int aZero, float aScale, byte[] b,
            int bOff, boolean bUnsigned, int bZero, float bScale, Activation act, float yScale, int yZero, int qmin,
            int qmax, byte[] dst, int dstOff, int n) {
        int lanes = F.length();
        float satLo = qmin - yZero;
        float satHi = qmax - yZero;
        boolean leaky = act.alpha() != 1f;
        boolean clip = act.lo() != Float.NEGATIVE_INFINITY || act.hi() != Float.POSITIVE_INFINITY;
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            // Dequantized here rather than in a helper returning a vector (boxed when C2 does not inline it).
            IntVector ia = (IntVector) ByteVector.fromArray(B, a, aOff + i).convertShape(VectorOperators.B2I, I, 0);
            IntVector ib = (IntVector) ByteVector.fromArray(B, b, bOff + i).convertShape(VectorOperators.B2I, I, 0);
            if (aUnsigned) {
                ia = ia.and(0xFF);
            }
            if (bUnsigned) {
                ib = ib.and(0xFF);
            }
            FloatVector fa = ((FloatVector) ia.sub(aZero).convertShape(VectorOperators.I2F, F, 0)).mul(aScale);
            FloatVector fb = ((FloatVector) ib.sub(bZero).convertShape(VectorOperators.I2F, F, 0)).mul(bScale);
            FloatVector v = multiply ? fa.mul(fb) : fa.add(fb);
            if (leaky) {
                v = v.blend(v.mul(act.alpha()), v.compare(VectorOperators.LT, 0f));
            }
            if (clip) {
                v = v.max(act.lo()).min(act.hi());
            }
            v = v.div(yScale).max(satLo).min(satHi).add(MAGIC).sub(MAGIC);
            IntVector q = ((IntVector) v.convertShape(VectorOperators.F2I, I, 0)).add(yZero);
            q.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(dst, dstOff + i);
        }
        if (i < n) {
            ScalarQuantKernels.INSTANCE.binary(multiply, a, aOff + i, aUnsigned, aZero, aScale, b, bOff + i,
                    bUnsigned, bZero, bScale, act, yScale, yZero, qmin, qmax, dst, dstOff + i, n - i);
        }
    }

    @Override
    public void quantize(float[] src, int srcOff, float scale, int zero, int qmin, int qmax, byte[] dst, int dstOff,
            int n) {
        int lanes = F.length();
        float satLo = qmin - zero;
        float satHi = qmax - zero;
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            FloatVector v = FloatVector.fromArray(F, src, srcOff + i).div(scale).max(satLo).min(satHi).add(MAGIC)
                    .sub(MAGIC);
            IntVector q = ((IntVector) v.convertShape(VectorOperators.F2I, I, 0)).add(zero);
            q.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = (byte) ScalarQuantKernels.saturate(src[srcOff + i] / scale, zero, qmin, qmax);
        }
    }

    @Override
    public void addToInts(float[] src, int srcOff, int[] dst, int dstOff, int n) {
        int lanes = F.length();
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            IntVector s = (IntVector) FloatVector.fromArray(F, src, srcOff + i).convertShape(VectorOperators.F2I, I, 0);
            IntVector.fromArray(I, dst, dstOff + i).add(s).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] += (int) src[srcOff + i];
        }
    }
}
