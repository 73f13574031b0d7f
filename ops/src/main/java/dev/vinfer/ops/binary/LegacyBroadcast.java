package dev.vinfer.ops.binary;

import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * The broadcasting of ONNX opsets before 7 ({@code broadcast=1} with an {@code axis}): B's shape matches a
 * contiguous run of A's axes starting at {@code axis}. Padding B with trailing 1s turns that into numpy
 * broadcasting, so the ops only need this one adjustment.
 */
final class LegacyBroadcast {
    /** Marks an op that uses numpy broadcasting (opset 7+, or legacy suffix matching). */
    static final int NONE = Integer.MIN_VALUE;

    private LegacyBroadcast() {
    }

    /** {@code b} reshaped so that numpy broadcasting aligns it with {@code a} at {@code axis}. */
    static Tensor align(Tensor a, Tensor b, int axis) {
        if (axis == NONE) {
            return b;
        }
        int start = Shapes.axis(axis, a.rank());
        int trailing = a.rank() - start - b.rank();
        if (trailing < 0) {
            throw new VinferException("legacy broadcast: shape " + Arrays.toString(b.shape()) + " does not fit "
                    + Arrays.toString(a.shape()) + " from axis " + axis);
        }
        int[] shape = Arrays.copyOf(b.shape(), b.rank() + trailing);
        Arrays.fill(shape, b.rank(), shape.length, 1);
        return b.reshape(shape);
    }
}
