package dev.vinfer.conv;

/**
 * Single-precision matrix product for the MatMul/Gemm operators and for the convolutions: row-major
 * {@code C[m x n] (+)= op(A)[m x k] * op(B)[k x n]} with offsets, leading dimensions and optional transposes (see
 * {@link Backend} for the conventions), split over the threads of a {@link Parallel}.
 *
 * <p>For a constant operand (weights), pack it once with {@link #packA}/{@link #packB} and reuse the
 * {@link PackedMatrix} across calls and threads. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * Sgemm.get().multiply(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false, Parallel.SERIAL);
 * }</pre>
 */
public final class Sgemm {
    /** Below this many multiply-adds a product stays on one thread: splitting would cost more than it saves. */
    static final long MIN_PARALLEL_WORK = 1L << 18;
    /** Column ranges of unpacked operands are split at multiples of this (a whole number of vector tiles). */
    private static final int COLUMN_ALIGN = 16;

    private static final Sgemm DEFAULT = new Sgemm(Kernels.backend());

    private final Backend backend;

    private Sgemm(Backend backend) {
        this.backend = java.util.Objects.requireNonNull(backend, "backend");
    }

    /** Uses {@link Kernels#backend()}. */
    public static Sgemm get() {
        return DEFAULT;
    }

    /** Uses the given backend (e.g. {@link Kernels#scalar()} to force the scalar path). */
    public static Sgemm with(Backend backend) {
        return new Sgemm(backend);
    }

    /** The backend whose kernels this instance runs. */
    public Backend backend() {
        return backend;
    }

    /** {@code C (+)= op(A) * op(B)}, split over {@code p}'s threads. */
    public void multiply(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
            int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, Parallel p) {
        GemmChecks.dims(m, n, k);
        GemmChecks.operand("A", transA, a, aOff, lda, m, k);
        GemmChecks.operand("B", transB, b, bOff, ldb, k, n);
        GemmChecks.matrix("C", c, cOff, ldc, m, n);
        split(m, n, k, 1, COLUMN_ALIGN, p, (m0, m1, n0, n1) -> backend.gemm(transA, transB, m1 - m0, n1 - n0, k, a,
                aOff + (transA ? m0 : m0 * lda), lda, b, bOff + (transB ? n0 * ldb : n0), ldb, c,
                cOff + m0 * ldc + n0, ldc, accumulate));
    }

    /** Packs {@code op(A)} ({@code m x k}) once for {@link #multiplyPackedA}. */
    public PackedMatrix packA(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        return backend.packA(transA, m, k, a, aOff, lda);
    }

    /** Packs {@code op(B)} ({@code k x n}) once for {@link #multiplyPackedB}. */
    public PackedMatrix packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        return backend.packB(transB, k, n, b, bOff, ldb);
    }

    /** {@code C[M x n] (+)= A * op(B)} with a packed A ({@code M x K}); runs on the backend that packed A. */
    public void multiplyPackedA(PackedMatrix a, boolean transB, int n, float[] b, int bOff, int ldb, float[] c,
            int cOff, int ldc, boolean accumulate, Parallel p) {
        int m = a.rows();
        int k = a.cols();
        GemmChecks.dims(m, n, k);
        GemmChecks.operand("B", transB, b, bOff, ldb, k, n);
        GemmChecks.matrix("C", c, cOff, ldc, m, n);
        Backend owner = a.backend();
        split(m, n, k, a.alignment(), COLUMN_ALIGN, p, (m0, m1, n0, n1) -> owner.gemmPackedA(a, m0, m1, transB,
                n1 - n0, b, bOff + (transB ? n0 * ldb : n0), ldb, c, cOff + m0 * ldc + n0, ldc, accumulate));
    }

    /** {@code C[m x N] (+)= op(A) * B} with a packed B ({@code K x N}); runs on the backend that packed B. */
    public void multiplyPackedB(boolean transA, int m, float[] a, int aOff, int lda, PackedMatrix b, float[] c,
            int cOff, int ldc, boolean accumulate, Parallel p) {
        int k = b.rows();
        int n = b.cols();
        GemmChecks.dims(m, n, k);
        GemmChecks.operand("A", transA, a, aOff, lda, m, k);
        GemmChecks.matrix("C", c, cOff, ldc, m, n);
        Backend owner = b.backend();
        split(m, n, k, 1, b.alignment(), p, (m0, m1, n0, n1) -> owner.gemmPackedB(transA, m1 - m0, a,
                aOff + (transA ? m0 : m0 * lda), lda, b, n0, n1, c, cOff + m0 * ldc + n0, ldc, accumulate));
    }

    @FunctionalInterface
    private interface Block {
        void run(int m0, int m1, int n0, int n1);
    }

    /**
     * Cuts the {@code m x n} output into about {@code threads} slabs along its longer side (rows or columns, whole
     * {@code align} units) and runs them on {@code p}. Each slab is an independent product with the full k, so no
     * two tasks write the same part of C.
     */
    private static void split(int m, int n, int k, int alignM, int alignN, Parallel p, Block body) {
        int threads = p.threads();
        if (threads <= 1 || (long) m * n * k < MIN_PARALLEL_WORK) {
            body.run(0, m, 0, n);
            return;
        }
        boolean byColumns = n >= m;
        int size = byColumns ? n : m;
        int align = byColumns ? alignN : alignM;
        int chunk = Math.ceilDiv(Math.ceilDiv(size, threads), align) * align;
        int count = Math.ceilDiv(size, chunk);
        if (count <= 1) {
            body.run(0, m, 0, n);
            return;
        }
        p.forEach(count, i -> {
            int lo = i * chunk;
            int hi = Math.min(size, lo + chunk);
            if (byColumns) {
                body.run(0, m, lo, hi);
            } else {
                body.run(lo, hi, 0, n);
            }
        });
    }
}
