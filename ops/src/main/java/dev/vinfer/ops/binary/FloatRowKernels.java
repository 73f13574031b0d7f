package dev.vinfer.ops.binary;

import dev.vinfer.conv.Kernels;

/**
 * float32 loops over one broadcast row ({@link BroadcastRows}): {@code o[oo + i] = a[ao + i*as] op b[bo + i*bs]}
 * with strides 0 or 1. The four hot ops get a plain loop per stride pattern (equal shapes, scalar on either side)
 * with the operator known to the loop; the rest go through {@link Arithmetic#apply(float, float)}.
 */
final class FloatRowKernels {
    private FloatRowKernels() {
    }

    static void row(Arithmetic op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n) {
        if (as == 1 && bs == 1 || n == 1) {
            same(op, a, ao, b, bo, o, oo, n);
        } else if (bs == 0 && as == 1) {
            scalarRight(op, a, ao, b[bo], o, oo, n);
        } else if (as == 0 && bs == 1) {
            scalarLeft(op, a[ao], b, bo, o, oo, n);
        } else {
            for (int i = 0; i < n; i++) {
                o[oo + i] = op.apply(a[ao + i * as], b[bo + i * bs]);
            }
        }
    }

    private static void same(Arithmetic op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        if ((op == Arithmetic.ADD || op == Arithmetic.SUB) && n >= 64 && vectorAdd(op, a, ao, b, bo, o, oo, n)) {
            return;
        }
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] + b[bo + i];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] - b[bo + i];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] * b[bo + i];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] / b[bo + i];
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = op.apply(a[ao + i], b[bo + i]);
                }
            }
        }
    }

    /**
     * Add and Sub of equal shapes through the backend's vectorized {@code y += alpha * x} (alpha = +-1, so the FMA
     * rounds exactly like the plain sum): a loop over three float arrays at different offsets does not vectorize
     * (the JIT cannot rule out that they overlap). The output is first made a copy of a (unless it is a already),
     * so it must be a itself or disjoint from a, and disjoint from b (or b itself, for Add); returns false, leaving
     * the work to the plain loop, otherwise.
     */
    private static boolean vectorAdd(Arithmetic op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        float alpha = op == Arithmetic.ADD ? 1f : -1f;
        boolean oIsA = o == a && oo == ao;
        if (o == b && oo == bo && op == Arithmetic.ADD && disjoint(a, ao, o, oo, n)) {
            Kernels.backend().axpy(n, 1f, a, ao, 1, o, oo);
            return true;
        }
        if (!disjoint(b, bo, o, oo, n) || !(oIsA || disjoint(a, ao, o, oo, n))) {
            return false;
        }
        if (!oIsA) {
            System.arraycopy(a, ao, o, oo, n);
        }
        Kernels.backend().axpy(n, alpha, b, bo, 1, o, oo);
        return true;
    }

    private static boolean disjoint(float[] x, int xo, float[] y, int yo, int n) {
        return x != y || xo + n <= yo || yo + n <= xo;
    }

    private static void scalarRight(Arithmetic op, float[] a, int ao, float s, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] + s;
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] - s;
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] * s;
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] / s;
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = op.apply(a[ao + i], s);
                }
            }
        }
    }

    private static void scalarLeft(Arithmetic op, float s, float[] b, int bo, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = s + b[bo + i];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = s - b[bo + i];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = s * b[bo + i];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = s / b[bo + i];
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = op.apply(s, b[bo + i]);
                }
            }
        }
    }
}
