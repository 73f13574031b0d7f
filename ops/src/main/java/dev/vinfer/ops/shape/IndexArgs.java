package dev.vinfer.ops.shape;

import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/** Reading shape-like operands (axes, shapes, starts, indices) and normalizing them, with clear errors. */
final class IndexArgs {
    private IndexArgs() {
    }

    /** The elements of an integer tensor of rank 0 or 1 as longs. */
    static long[] longs(Tensor t, String what) {
        if (t.rank() > 1) {
            throw new VinferException(what + " must be a scalar or 1-D tensor, got " + t);
        }
        if (!t.dtype().isInteger()) {
            throw new VinferException(what + " must be an integer tensor, got " + t);
        }
        return t.toLongArray();
    }

    /** One integer value from a tensor holding exactly one element. */
    static long scalarLong(Tensor t, String what) {
        if (t.size() != 1) {
            throw new VinferException(what + " must hold exactly one element, got " + t);
        }
        return t.getLong(0);
    }

    /** Normalizes axes against {@code rank} (negative count from the end) and rejects repeats. */
    static int[] axes(long[] axes, int rank, String what) {
        int[] out = new int[axes.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            long a = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (a < 0 || a >= rank) {
                throw new VinferException(what + ": axis " + axes[i] + " out of range for rank " + rank);
            }
            if (seen[(int) a]) {
                throw new VinferException(what + ": axis " + axes[i] + " repeated in " + Arrays.toString(axes));
            }
            seen[(int) a] = true;
            out[i] = (int) a;
        }
        return out;
    }

    /** An index into an axis of size {@code dim}: negatives wrap once; anything else out of range throws. */
    static int index(long i, int dim, String what) {
        long j = i < 0 ? i + dim : i;
        if (j < 0 || j >= dim) {
            throw new VinferException(what + ": index " + i + " out of range [" + -dim + ", " + (dim - 1) + "]");
        }
        return (int) j;
    }

    /** Product of {@code shape[from..to)} with overflow checks. */
    static int product(int[] shape, int from, int to) {
        return Shapes.size(Arrays.copyOfRange(shape, from, to));
    }

    /** {@code a * b} as a dimension, or an exception naming {@code what} when it exceeds a tensor's limit. */
    static int multiply(long a, long b, String what) {
        long p = a * b; // both operands are dimensions (< 2^31), so the product fits a long
        if (p > Shapes.MAX_ELEMENTS) {
            throw new VinferException(what + ": dimension " + a + " x " + b + " is too large");
        }
        return (int) p;
    }

    /** Throws unless the tensor is of an integer dtype (indices). */
    static void requireIntegers(Tensor t, String what) {
        if (!t.dtype().isInteger()) {
            throw new VinferException(what + " must be an integer tensor, got " + t);
        }
    }
}
