package dev.vinfer.conv.simd;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.PackedMatrix;

/**
 * A whole operand in {@link VectorPacking}'s panel layout, blocked over k exactly as {@link VectorGemm} walks it: the
 * k-block starting at {@code p0} (length {@code kc = min(KC, K - p0)}) sits at {@code p0 * paddedFree} and holds
 * {@code paddedFree / panel} panels of {@code panel * kc} floats.
 */
final class VectorPacked implements PackedMatrix {
    private final Backend backend;
    private final Side side;
    private final int rows;
    private final int cols;
    /** The free dimension (A's rows, B's cols) rounded up to whole panels. */
    final int paddedFree;
    final float[] data;
    /** For A: the largest K {@link PointwiseKernel} runs a row tile over a whole strip in one call for. */
    final int pointwisePanelLoopK;
    /**
     * Whether {@link PointwiseKernel} computes a column tail of at most one vector with {@link MicroKernel#narrow}
     * ({@code -Dvinfer.pointwiseNarrowTail}, default true, read when this A was packed).
     */
    final boolean narrowTail;

    VectorPacked(Backend backend, Side side, int rows, int cols, int paddedFree, float[] data) {
        this.backend = backend;
        this.side = side;
        this.rows = rows;
        this.cols = cols;
        this.paddedFree = paddedFree;
        this.data = data;
        this.pointwisePanelLoopK = side == Side.A ? PointwisePanelSweep.panelLoopK() : 0;
        this.narrowTail = side == Side.A && !"false".equals(System.getProperty("vinfer.pointwiseNarrowTail"));
    }

    @Override
    public Side side() {
        return side;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public int alignment() {
        return side == Side.A ? MicroKernel.MR : MicroKernel.NR;
    }

    @Override
    public String toString() {
        return "VectorPacked[" + side + " " + rows + "x" + cols + "]";
    }
}
