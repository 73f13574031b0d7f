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

    /**
     * As {@link #run(float[], int, float[], int, Parallel)}, adding a residual before the activation: output i is
     * {@code e(conv_i + bias + residual[resOff + i])} (a ResNet shortcut fused into the epilogue, so the sum is
     * formed while the output rows are still in cache). {@code residual} has the output's layout; null means none.
     * Its range may overlap the input but not the output.
     */
    void run(float[] in, int inOff, float[] out, int outOff, float[] residual, int resOff, Parallel p);
}
