package dev.vinfer.runtime;

import java.util.Arrays;

/** Shape arithmetic that never overflows silently. Shapes are {@code int[]}: a Java array bounds a tensor. */
public final class Shapes {
    private Shapes() {
    }

    /** Largest element count of one tensor: what a Java array can index. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 16;

    /** Element count of a shape; throws if a dim is negative or the product exceeds {@link #MAX_ELEMENTS}. */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new VinferException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new VinferException("shape " + Arrays.toString(shape) + " has more than " + MAX_ELEMENTS
                        + " elements, what one Java array holds");
            }
        }
        return (int) n;
    }

    /** Element count of a shape given as longs (as ONNX stores them), with the same checks. */
    public static int[] fromLongs(long[] dims) {
        int[] s = new int[dims.length];
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            long d = dims[i];
            if (d < 0) {
                throw new VinferException("negative dimension " + d + " in shape " + Arrays.toString(dims));
            }
            if (d > MAX_ELEMENTS) {
                throw new VinferException("dimension " + d + " in shape " + Arrays.toString(dims)
                        + " is more than one Java array holds (" + MAX_ELEMENTS + " elements)");
            }
            s[i] = (int) d;
            n = d == 0 ? 0 : n * d;
            if (n > MAX_ELEMENTS) {
                throw new VinferException("shape " + Arrays.toString(dims) + " has more than " + MAX_ELEMENTS
                        + " elements, what one Java array holds");
            }
        }
        return s;
    }

    /** Row-major strides of a shape, in elements. */
    public static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /** Numpy-style broadcast of two shapes, or an exception naming both. */
    public static int[] broadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                throw new VinferException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast");
            }
        }
        return out;
    }

    /** Broadcast of any number of shapes. */
    public static int[] broadcast(int[]... shapes) {
        int[] out = new int[0];
        for (int[] s : shapes) {
            out = broadcast(out, s);
        }
        return out;
    }

    /** Normalizes a possibly negative axis against a rank, or throws naming the axis. */
    public static int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1) && !(rank == 0 && a == 0)) {
            throw new VinferException("axis " + axis + " out of range for rank " + rank);
        }
        return (int) a;
    }

    public static String toString(int[] shape) {
        return Arrays.toString(shape);
    }
}
