package dev.vinfer.ops.nn;

/**
 * Per-thread {@code double[]} work buffers that grow on demand and are kept, so that a kernel run in a steady
 * loop does not allocate its plane buffers every time. A buffer may be longer than asked for; one thread uses a
 * slot for one op at a time (ops do not nest).
 */
public final class ScratchDoubles {
    private static final int SLOTS = 2;
    private static final ThreadLocal<double[][]> BUFFERS = ThreadLocal.withInitial(() -> new double[SLOTS][0]);

    private ScratchDoubles() {
    }

    /** Buffer {@code slot} (0 or 1) of this thread, at least {@code length} long; contents are unspecified. */
    public static double[] get(int slot, int length) {
        double[][] b = BUFFERS.get();
        if (b[slot].length < length) {
            b[slot] = new double[length];
        }
        return b[slot];
    }
}
