package dev.vinfer.conv;

import java.util.Objects;

/**
 * A 1-D convolution and the max pool after it ({@link RowMaxPool}) for the algorithms that do not pool inside their
 * own output pass: the whole convolution into a per-thread buffer, then its rows pooled into the output, split over
 * the threads by rows (the buffer on a cache line, as the arena's slots are: {@link ArrayAlignment}). No faster than the two steps apart; it lets a fused node run whatever algorithm is chosen or
 * forced (tests force each one).
 */
final class RowPooledConv implements ConvKernel {
    private static final ThreadLocal<float[][]> FULL = ThreadLocal.withInitial(() -> new float[1][0]);

    private final ConvKernel conv;
    private final int rowPool;
    private final int width;
    private final int rows;
    private final int outputLength;

    RowPooledConv(ConvKernel conv, ConvGeometry g, int rowPool) {
        this.conv = Objects.requireNonNull(conv, "conv");
        this.outputLength = RowMaxPool.outputLength(g, rowPool);
        if (conv.outputLength() != g.outputLength()) {
            throw new IllegalArgumentException("kernel output " + conv.outputLength() + " != " + g.outputLength());
        }
        this.rowPool = rowPool;
        this.width = g.outputDim(0);
        this.rows = g.batch() * g.outChannels();
    }

    @Override
    public ConvAlgorithm algorithm() {
        return conv.algorithm();
    }

    @Override
    public Backend backend() {
        return conv.backend();
    }

    @Override
    public int inputLength() {
        return conv.inputLength();
    }

    @Override
    public int outputLength() {
        return outputLength;
    }

    @Override
    public void run(float[] in, int inOff, float[] out, int outOff, Parallel p) {
        Objects.requireNonNull(out, "out");
        Objects.checkFromIndexSize(outOff, outputLength, out.length);
        int lead = ArrayAlignment.floatLead();
        float[] full = RowMaxPool.buffer(FULL, lead + conv.outputLength());
        conv.run(in, inOff, full, lead, p);
        int pooledW = RowMaxPool.pooledWidth(width, rowPool);
        p.forRange(rows, Math.max(1, (1 << 14) / width), (r0, r1) -> RowMaxPool.pool(conv.backend(), rowPool, full,
                lead + r0 * width, width, r1 - r0, pooledW, out, outOff + r0 * pooledW, pooledW));
    }

    @Override
    public void run(float[] in, int inOff, float[] out, int outOff, float[] residual, int resOff, Parallel p) {
        if (residual != null) {
            throw new IllegalArgumentException("a fused max pool takes no residual");
        }
        run(in, inOff, out, outOff, p);
    }
}
