package dev.vinfer.conv;

/**
 * A convolution prepared for one geometry and one set of weights (packed once, at
 * {@link Convolutions#prepare}). Immutable and thread-safe: several threads may call {@link #run} at once, each
 * with its own input and output.
 */
public interface ConvKernel {

    /** The algorithm actually used (never AUTO). */
    ConvAlgorithm algorithm();

    /** The backend whose kernels it runs. */
    Backend backend();

    /** Floats read from the input: {@code N * C * input plane}. */
    int inputLength();

    /** Floats written to the output: {@code N * M * output plane}. */
    int outputLength();

    /**
     * Computes the whole batch: reads {@code in[inOff, inOff + inputLength())}, overwrites
     * {@code out[outOff, outOff + outputLength())}, splitting the work over {@code p}. The two ranges must not
     * overlap.
     */
    void run(float[] in, int inOff, float[] out, int outOff, Parallel p);
}
