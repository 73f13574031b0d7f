package dev.vinfer.conv;

/**
 * One row times a packed matrix, {@code y[N] (+)= x[K] * B[K x N]}: the fully-connected layer at batch 1, where
 * the weights are read once per product and the time is their memory traffic. Runs
 * {@link Backend#gemvPackedB} of the backend that packed B, split over column ranges (whole panels) when the
 * product is large enough for a second thread to pay.
 */
public final class Gemv {
    /** Below this many multiply-adds (weights) the product stays on one thread. */
    static final long MIN_PARALLEL_WORK = 1L << 17;

    private Gemv() {
    }

    public static void multiplyPackedB(float[] x, int xOff, PackedMatrix b, float[] y, int yOff, boolean accumulate,
            Parallel p) {
        int n = b.cols();
        Backend owner = b.backend();
        int threads = p.threads();
        int align = b.alignment();
        int units = Math.ceilDiv(n, align);
        int chunks = Math.min(threads, units);
        if (chunks <= 1 || (long) n * b.rows() < MIN_PARALLEL_WORK) {
            owner.gemvPackedB(x, xOff, b, 0, n, y, yOff, accumulate);
            return;
        }
        p.forEach(chunks, i -> {
            int lo = (int) ((long) units * i / chunks) * align;
            int hi = Math.min(n, (int) ((long) units * (i + 1) / chunks) * align);
            if (lo < hi) {
                owner.gemvPackedB(x, xOff, b, lo, hi, y, yOff + lo, accumulate);
            }
        });
    }
}
