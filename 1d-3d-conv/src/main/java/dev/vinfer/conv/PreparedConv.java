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

    /**
     * The arguments of one {@link #compute} call as fields, so that its parallel tasks read them from a reused
     * object instead of capturing them in a new lambda (an allocation per convolution per run). A kernel keeps one
     * spare ({@link #take}, {@link #give}); a concurrent call on the same kernel makes its own.
     */
    abstract static class Call implements Parallel.Task {
        float[] in;
        int inOff;
        float[] out;
        int outOff;
        float[] res;
        int resDelta;
        /** The work split planned for {@link #threads} threads (plans depend only on the geometry and them). */
        WorkGrid grid;
        int threads = -1;

        final void set(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta) {
            this.in = in;
            this.inOff = inOff;
            this.out = out;
            this.outOff = outOff;
            this.res = res;
            this.resDelta = resDelta;
        }
    }

    /** The kernel's spare call object, or null if a concurrent call has it. */
    static <C extends Call> C take(java.util.concurrent.atomic.AtomicReference<C> spare) {
        return spare.getAndSet(null);
    }

    /** Returns a call object after use, dropping its array references (the caller's tensors). */
    static <C extends Call> void give(java.util.concurrent.atomic.AtomicReference<C> spare, C c) {
        c.in = null;
        c.out = null;
        c.res = null;
        spare.set(c);
    }

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
