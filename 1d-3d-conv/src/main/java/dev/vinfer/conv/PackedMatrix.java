package dev.vinfer.conv;

/**
 * A constant GEMM operand laid out once in the layout its {@link Backend}'s kernel reads, so that repeated products
 * with it (a convolution's weights, a Gemm/MatMul's constant weights) skip re-packing. Immutable once built, so
 * several threads may multiply with it at once. Only the backend that packed it can use it.
 *
 * <p>Logically a row-major {@code rows x cols} matrix: for an A operand (from {@link Backend#packA}) rows are M and
 * cols are K; for a B operand (from {@link Backend#packB}) rows are K and cols are N.
 */
public interface PackedMatrix {

    /** Whether a packed matrix is the left (A, M x K) or right (B, K x N) operand. */
    enum Side {
        A,
        B
    }

    Side side();

    int rows();

    int cols();

    /** The backend that packed it. */
    Backend backend();

    /**
     * Sub-ranges of the free dimension (A's rows, B's cols) handed to the packed multiply must start at a multiple
     * of this (the kernel's panel size); they may end anywhere.
     */
    int alignment();
}
