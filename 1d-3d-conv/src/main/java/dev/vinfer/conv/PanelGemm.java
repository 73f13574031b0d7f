package dev.vinfer.conv;

/**
 * The GEMM of {@link ImplicitIm2colConv}: {@code C[m x pixels] = W[m x k] x B + bias}, where B is never stored as a
 * matrix. Column q of B (output pixel q) holds, for reduction index p, the value
 * {@code src[srcOff + tapOff[p] + grid.source(q)]}: the kernel tap p read at that pixel from an input laid out so that
 * every tap is a constant offset ({@link PhaseSplitInput}). An implementation copies B straight from {@code src} into
 * the panels its register kernel streams (one panel of pixels at a time, all of k at once), so each output tile is
 * computed over the whole reduction and written once, with the bias (and a ReLU or clip) applied in registers.
 *
 * <p>Prepared once per weights by {@link Backend#panelGemm}; immutable and safe to share between threads.
 */
public interface PanelGemm {
    /**
     * Readable floats {@code src} must hold past {@code srcOff + tapOff[p] + grid.source(q)} for every tap and pixel
     * (a vector implementation copies whole vectors and may read past a pixel row's end).
     */
    int SOURCE_SLACK = 64;

    /** Output rows (m). */
    int rows();

    /** Reduction length (k). */
    int depth();

    /**
     * Computes output pixels {@code [p0, p1)}: row i of C starts at {@code c[cOff + i * ldc]} and pixel q lands at
     * column q (so the caller passes the image's channel-0 plane start; {@code cOff} may be negative, down to
     * {@code -p0}, and {@code ldc} as small as {@code p1 - p0}, to put the range at the start of a buffer's rows);
     * only columns {@code [p0, p1)} are written.
     * Each result is clamped as {@code min(max(x, lo), hi)} ({@link Epilogue}'s CLIP): ReLU is {@code [0, +inf]},
     * Relu6 {@code [0, 6]}, no activation {@code [-inf, +inf]} (which leaves every value, NaN included, as it is).
     */
    void run(float[] src, int srcOff, int[] tapOff, PixelGrid grid, int p0, int p1, float[] c, int cOff, int ldc,
            float lo, float hi);

    /**
     * Where the dense output pixels of one image sit in the source layout: pixel q is {@code (od, oh, ow)} of an
     * {@code outD x outH x outW} output and reads the source at {@code od * planePitch + oh * rowPitch + ow} (plus
     * its tap's offset). Runs of pixels along one output row are contiguous in the source.
     */
    record PixelGrid(int outW, int outH, int rowPitch, int planePitch) {
        /** The source offset of pixel q. */
        public int source(int q) {
            int ow = q % outW;
            int t = q / outW;
            return t / outH * planePitch + t % outH * rowPitch + ow;
        }
    }
}
