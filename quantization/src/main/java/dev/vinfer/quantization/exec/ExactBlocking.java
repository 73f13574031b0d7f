package dev.vinfer.quantization.exec;

/**
 * How long a float32 reduction of integer products may run and stay exact. Every integer of magnitude up to 2^24
 * is a float32, so a sum of integer products is computed exactly, in any order and with or without FMA, while the
 * sum of the products' magnitudes stays within 2^24: every partial sum is then an integer no larger than that. For
 * one output, {@code sum |x_k * w_k| <= max|x| * sum |w_k|} (the L1 norm of its weight row), a much tighter bound
 * than {@code K * max|x| * max|w|} for real weights. Reductions beyond it are split into blocks whose exact float
 * results are summed in int32. The crude bound {@link #maxTerms}: for int8 x int8 (127 * 127) 1040 terms, for
 * centered uint8 activations against int8 weights (255 * 128) 514.
 */
public final class ExactBlocking {
    /** The largest magnitude below which every integer is a float32. */
    public static final long EXACT_LIMIT = 1L << 24;

    private ExactBlocking() {
    }

    /** The most products of magnitude at most {@code maxA * maxB} a float32 sum holds exactly (at least 1). */
    public static int maxTerms(int maxA, int maxB) {
        long p = (long) Math.max(1, maxA) * Math.max(1, maxB);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, EXACT_LIMIT / p));
    }
}
