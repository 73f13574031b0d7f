package dev.vinfer.ops.binary;

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
