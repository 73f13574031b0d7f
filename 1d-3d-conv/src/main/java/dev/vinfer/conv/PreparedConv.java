package dev.vinfer.conv;

import java.util.Objects;

/** What every {@link ConvKernel} shares: identity, sizes, and the argument checks of {@link #run}. */
abstract class PreparedConv implements ConvKernel {
    private final ConvAlgorithm algorithm;
    final Backend backend;
    private final int inputLength;
    private final int outputLength;

    PreparedConv(ConvAlgorithm algorithm, Backend backend, int inputLength, int outputLength) {
        this.algorithm = algorithm;
        this.backend = Objects.requireNonNull(backend, "backend");
        this.inputLength = inputLength;
        this.outputLength = outputLength;
    }

    @Override
    public final ConvAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public final Backend backend() {
        return backend;
    }

    @Override
    public final int inputLength() {
        return inputLength;
    }

    @Override
    public final int outputLength() {
        return outputLength;
    }

    @Override
    public final void run(float[] in, int inOff, float[] out, int outOff, Parallel p) {
        run(in, inOff, out, outOff, null, 0, p);
    }

    @Override
    public final void run(float[] in, int inOff, float[] out, int outOff, float[] residual, int resOff,
            Parallel p) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(p, "parallel");
        Objects.checkFromIndexSize(inOff, inputLength, in.length);
        Objects.checkFromIndexSize(outOff, outputLength, out.length);
        if (in == out && inOff < outOff + outputLength && outOff < inOff + inputLength) {
            throw new IllegalArgumentException("input and output ranges overlap");
        }
        if (residual != null) {
            Objects.checkFromIndexSize(resOff, outputLength, residual.length);
            if (residual == out && resOff < outOff + outputLength && outOff < resOff + outputLength) {
                throw new IllegalArgumentException("residual and output ranges overlap");
            }
        }
        compute(in, inOff, out, outOff, residual, resOff - outOff, p);
    }

    /**
     * The convolution proper; arguments are checked. With a non-null {@code res}, output index o also receives
     * {@code res[o + resDelta]} before the epilogue.
     */
    abstract void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p);

    /** Adds the residual row matching output row {@code [row, row + len)}, if there is a residual. */
    final void addResidual(float[] out, int row, int len, float[] res, int resDelta) {
        if (res != null) {
            backend.axpy(len, 1f, res, row + resDelta, 1, out, row);
        }
    }

    /** Checks the weights and bias at prepare time and returns a private copy of the bias (or null). */
    static float[] checkedBias(float[] weights, int wOff, int weightLength, float[] bias, int outChannels) {
        Objects.requireNonNull(weights, "weights");
        Objects.checkFromIndexSize(wOff, weightLength, weights.length);
        if (bias == null) {
            return null;
        }
        if (bias.length != outChannels) {
            throw new IllegalArgumentException("bias has " + bias.length + " values, expected M = " + outChannels);
        }
        return bias.clone();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + algorithm + ", " + backend.name() + "]";
    }
}
