package dev.vinfer.quantization.exec;

/**
 * Per-thread float work arrays shared by the int8 operators (centered inputs, accumulators), grown on demand and
 * kept, so steady-state runs allocate nothing. Operators run one at a time on a thread, and an operator uses each
 * slot for one purpose during its run, so sharing across operators is safe.
 */
final class Scratch {
    static final int INPUT = 0;
    static final int ACCUMULATOR = 1;
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[2][0]);

    private Scratch() {
    }

    /** A float array of at least {@code size} elements for {@code slot}; its contents are unspecified. */
    static float[] floats(int slot, int size) {
        float[][] b = BUFFERS.get();
        if (b[slot].length < size) {
            b[slot] = new float[size];
        }
        return b[slot];
    }
}
