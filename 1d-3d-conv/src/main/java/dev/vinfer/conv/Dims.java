package dev.vinfer.conv;

import java.util.Arrays;

/** Validation and arithmetic shared by the geometry classes; messages name the operator and the bad value. */
final class Dims {
    private Dims() {
    }

    static int rankOf(String op, int[] inputDims) {
        if (inputDims == null || inputDims.length < 1 || inputDims.length > 3) {
            throw new IllegalArgumentException(op + ": spatial rank must be 1..3, got "
                    + (inputDims == null ? "no input dims" : inputDims.length + " dims " + Arrays.toString(inputDims)));
        }
        return inputDims.length;
    }

    /** Copies {@code v}, or returns {@code fill} repeated {@code rank} times when {@code v} is null. */
    static int[] perDim(String op, String what, int[] v, int rank, int fill) {
        if (v == null) {
            int[] r = new int[rank];
            Arrays.fill(r, fill);
            return r;
        }
        if (v.length != rank) {
            throw new IllegalArgumentException(op + ": " + what + " has " + v.length + " values " + Arrays.toString(v)
                    + " but the spatial rank is " + rank);
        }
        return v.clone();
    }

    static void requireAtLeast(String op, String what, int[] v, int min) {
        for (int i = 0; i < v.length; i++) {
            if (v[i] < min) {
                throw new IllegalArgumentException(op + ": " + what + "[" + i + "] must be >= " + min + ", got "
                        + Arrays.toString(v));
            }
        }
    }

    static void requirePositive(String op, String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(op + ": " + what + " must be >= 1, got " + v);
        }
    }

    static void requireDivisible(String op, String what, int v, int group) {
        if (v % group != 0) {
            throw new IllegalArgumentException(op + ": " + what + " " + v + " is not divisible by group " + group);
        }
    }

    /** Product of {@code v}, failing with a clear message if an element count would not fit a Java array. */
    static int product(String op, String what, long... v) {
        long p = 1;
        for (long x : v) {
            p *= x;
            if (p > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": " + what + " has more than " + Integer.MAX_VALUE
                        + " elements, too many for one float[]");
            }
        }
        return (int) p;
    }

    static int product(int[] v) {
        int p = 1;
        for (int x : v) {
            p *= x;
        }
        return p;
    }

    static long[] widen(int[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i];
        }
        return r;
    }

    /** ONNX order {@code [x1_begin, x2_begin, ..., x1_end, x2_end, ...]} split into {begin, end}. */
    static int[][] splitOnnxPads(String op, int[] pads) {
        if (pads == null || pads.length % 2 != 0 || pads.length == 0) {
            throw new IllegalArgumentException(op + ": ONNX pads must hold 2 * rank values, got "
                    + Arrays.toString(pads));
        }
        int r = pads.length / 2;
        return new int[][] {Arrays.copyOfRange(pads, 0, r), Arrays.copyOfRange(pads, r, 2 * r)};
    }
}
