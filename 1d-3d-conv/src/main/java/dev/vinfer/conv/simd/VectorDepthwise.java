package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;

import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.scalar.ScalarBackend;

/**
 * The depthwise family of {@link VectorBackend} (its arguments already checked): which kernel runs a row, rows or
 * plane ({@link DepthwiseTaps}, {@link DepthwiseSlide3x3}, {@link DepthwiseFlat3x3}, {@link DepthwiseSlide3x3s2}, or
 * the scalar loops where no vector fits), and whether the bias and a Relu/Clip are fused into the kernel or applied
 * after it ({@link VectorBiasEpilogue}).
 */
final class VectorDepthwise {
    private VectorDepthwise() {
    }

    /**
     * One vector of outputs at a time, its taps summed in one dependent chain of FMAs; the chains of successive
     * vectors are independent, so out-of-order execution overlaps them. Nine taps (3x3) have their coefficients
     * broadcast once, outside the loop; other counts broadcast per tap.
     */
    static void taps(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, float[] dst, int dOff,
            int len) {
        if (taps == 9) {
            DepthwiseTaps.taps9(coef, cOff, tapOff, src, sOff, dst, dOff, len);
        } else {
            DepthwiseTaps.anyTaps(taps, coef, cOff, tapOff, src, sOff, dst, dOff, len);
        }
    }

    static void compactRows(float[] src, int sOff, int sPitch, int rows, int cols, float bias, Epilogue e,
            float[] dst, int dOff) {
        DepthwiseTaps.compactRows(src, sOff, sPitch, rows, cols, bias, e, dst, dOff);
        if (!DepthwiseTaps.clampKind(e)) {
            VectorBiasEpilogue.apply(dst, dOff, rows * cols, 0f, e); // compactRows added only the bias
        }
    }

    static void rows(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int sPitch, int rows,
            int cols, float bias, Epilogue e, float[] dst, int dOff) {
        boolean fused = DepthwiseTaps.clampKind(e);
        float b = fused ? bias : 0f;
        Epilogue fe = fused ? e : Epilogue.NONE;
        if (taps == 9) {
            int paired = DepthwiseTaps.pairable(tapOff, sPitch, cols) ? rows & ~1 : 0;
            if (paired > 0) {
                DepthwiseTaps.rowPairs9(coef, cOff, tapOff, src, sOff, sPitch, paired, cols, b, fe, dst, dOff);
            }
            DepthwiseTaps.rows9(coef, cOff, tapOff, src, sOff + paired * sPitch, sPitch, rows - paired, cols, b, fe,
                    dst, dOff + paired * cols);
        } else {
            DepthwiseTaps.anyRows(taps, coef, cOff, tapOff, src, sOff, sPitch, rows, cols, b, fe, dst, dOff);
        }
        if (!fused) {
            VectorBiasEpilogue.apply(dst, dOff, rows * cols, bias, e);
        }
    }

    static void plane3x3(float[] coef, int cOff, float[] src, int sOff, int rows, int cols, float bias, Epilogue e,
            float[] dst, int dOff) {
        if (rows == 0 || cols == 0 || cols < L && !DepthwiseFlat3x3.ENABLED) {
            ScalarBackend.depthwise3x3PlaneLoops(coef, cOff, src, sOff, rows, cols, bias, e, dst, dOff);
            return;
        }
        boolean fused = DepthwiseTaps.clampKind(e);
        boolean clamp = e.kind() != Epilogue.Kind.NONE;
        // NONE clamps to the infinities (the same instructions, no branch between vector values).
        float lo = !fused || !clamp ? Float.NEGATIVE_INFINITY : e.kind() == Epilogue.Kind.CLIP ? e.min() : 0f;
        float hi = fused && e.kind() == Epilogue.Kind.CLIP ? e.max() : Float.POSITIVE_INFINITY;
        if (cols < L) {
            // Rows narrower than a vector (14x14, 7x7): one flat run over the plane.
            DepthwiseFlat3x3.plane(coef, cOff, src, sOff, rows, cols, fused ? bias : 0f, lo, hi, dst, dOff);
        } else {
            DepthwiseSlide3x3.plane(coef, cOff, src, sOff, rows, cols, fused ? bias : 0f, lo, hi, dst, dOff);
        }
        if (!fused) {
            VectorBiasEpilogue.apply(dst, dOff, rows * cols, bias, e);
        }
    }

    static void plane3x3s2(float[] coef, int cOff, float[] src, int sOff, int inCols, int outRows, int outCols,
            float bias, Epilogue e, float[] dst, int dOff) {
        if (outCols == 0 || outRows == 0) {
            ScalarBackend.depthwise3x3s2PlaneLoops(coef, cOff, src, sOff, inCols, outRows, outCols, bias, e, dst,
                    dOff);
            return;
        }
        boolean fused = DepthwiseTaps.clampKind(e);
        boolean clamp = e.kind() != Epilogue.Kind.NONE;
        float lo = !fused || !clamp ? Float.NEGATIVE_INFINITY : e.kind() == Epilogue.Kind.CLIP ? e.min() : 0f;
        float hi = fused && e.kind() == Epilogue.Kind.CLIP ? e.max() : Float.POSITIVE_INFINITY;
        DepthwiseSlide3x3s2.plane(coef, cOff, src, sOff, inCols, outRows, outCols, fused ? bias : 0f, lo, hi, dst,
                dOff);
        if (!fused) {
            VectorBiasEpilogue.apply(dst, dOff, outRows * outCols, bias, e);
        }
    }

}
