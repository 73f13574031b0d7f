package dev.vinfer.quantization.exec;

/**
 * How long a float32 reduction of integer products may run and stay exact. Every integer of magnitude up to 2^24
 * is a float32, so a sum of K products each at most {@code maxA * maxB} in magnitude is computed exactly, in any
 * order and with or without FMA, while {@code K * maxA * maxB <= 2^24}: every partial sum is then an integer no
 * larger than that. Longer reductions are split into blocks of at most {@link #maxTerms} terms whose exact float
 * results are summed in int32. For int8 x int8 (127 * 127) that is 1040 terms; for centered uint8 activations
 * against int8 weights (255 * 128) it is 514.
 */
public final class ExactBlocking {
    private static final long EXACT_LIMIT = 1L << 24;

    private ExactBlocking() {
    }

    /** The most products of magnitude at most {@code maxA * maxB} a float32 sum holds exactly (at least 1). */
    public static int maxTerms(int maxA, int maxB) {
        long p = (long) Math.max(1, maxA) * Math.max(1, maxB);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, EXACT_LIMIT / p));
    }
}
