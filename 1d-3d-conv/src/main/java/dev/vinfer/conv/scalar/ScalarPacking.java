package dev.vinfer.conv.scalar;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.PackedMatrix;

/** The scalar backend's "packed" form: a dense row-major copy with transposition resolved. */
final class ScalarPacking {
    private ScalarPacking() {
    }

    /** A dense row-major copy of {@code op(X)}, which is {@code rows x cols}. */
    static float[] copy(boolean trans, int rows, int cols, float[] x, int off, int ld) {
        float[] r = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                r[i * cols + j] = trans ? x[off + j * ld + i] : x[off + i * ld + j];
            }
        }
        return r;
    }

    record Packed(Backend backend, PackedMatrix.Side side, int rows, int cols, float[] data) implements PackedMatrix {
        @Override
        public int alignment() {
            return 1;
        }
    }
}
