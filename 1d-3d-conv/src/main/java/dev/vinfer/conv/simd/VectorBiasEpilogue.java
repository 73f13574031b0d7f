package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.Epilogue;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code Backend.biasEpilogue} on the Vector API: {@code x[i] = e(x[i] + bias)} in place, one vector loop per
 * epilogue kind (no per-value branch on the kind), the last few values in scalar code.
 */
final class VectorBiasEpilogue {
    private VectorBiasEpilogue() {
    }

    static void apply(float[] x, int off, int len, float bias, Epilogue e) {
        Objects.checkFromIndexSize(off, len, x.length);
        if (e.isIdentity() && bias == 0f) {
            return;
        }
        FloatVector bv = FloatVector.broadcast(S, bias);
        int i = 0;
        int bound = S.loopBound(len);
        switch (e.kind()) {
            case NONE -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, off + i).add(bv).intoArray(x, off + i);
                }
            }
            case RELU -> {
                FloatVector zero = FloatVector.zero(S);
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, off + i).add(bv).max(zero).intoArray(x, off + i);
                }
            }
            case CLIP -> {
                FloatVector lo = FloatVector.broadcast(S, e.min());
                FloatVector hi = FloatVector.broadcast(S, e.max());
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, off + i).add(bv).max(lo).min(hi).intoArray(x, off + i);
                }
            }
            case LEAKY_RELU -> {
                FloatVector alpha = FloatVector.broadcast(S, e.alpha());
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, off + i).add(bv);
                    v.blend(v.mul(alpha), v.compare(VectorOperators.LT, 0f)).intoArray(x, off + i);
                }
            }
            case SIGMOID -> {
                FloatVector one = FloatVector.broadcast(S, 1f);
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, off + i).add(bv);
                    one.div(v.neg().lanewise(VectorOperators.EXP).add(one)).intoArray(x, off + i);
                }
            }
            case TANH -> {
                // the platform's vector math library, as Sigmoid's exp: within an ulp or two of Math.tanh
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, off + i).add(bv).lanewise(VectorOperators.TANH).intoArray(x, off + i);
                }
            }
            case HARD_SIGMOID, HARD_SWISH -> {
                FloatVector alpha = FloatVector.broadcast(S, e.alpha());
                FloatVector beta = FloatVector.broadcast(S, e.beta());
                FloatVector zero = FloatVector.zero(S);
                FloatVector one = FloatVector.broadcast(S, 1f);
                boolean swish = e.kind() == Epilogue.Kind.HARD_SWISH;
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, off + i).add(bv);
                    FloatVector h = v.mul(alpha).add(beta).max(zero).min(one);
                    (swish ? v.mul(h) : h).intoArray(x, off + i);
                }
            }
        }
        for (; i < len; i++) {
            x[off + i] = e.apply(x[off + i] + bias);
        }
    }
}
