package dev.vinfer.conv.scalar;

import dev.vinfer.conv.PoolReduction;

/** The pooling primitives of {@link ScalarBackend}: the definitions, written out as plain loops. */
final class ScalarPooling {
    private ScalarPooling() {
    }

    static void rows(PoolReduction op, float[] src, int sOff, int planes, int planeStep, int rows, int rowStep,
            int len, int phases, float[] dst, int dOff, int phasePitch) {
        boolean max = op == PoolReduction.MAX;
        for (int x = 0; x < len; x++) {
            float acc = op.identity();
            boolean first = true;
            for (int a = 0; a < planes; a++) {
                for (int b = 0; b < rows; b++) {
                    float v = src[sOff + a * planeStep + b * rowStep + x];
                    acc = first ? v : max ? Math.max(acc, v) : acc + v;
                    first = false;
                }
            }
            dst[dOff + x % phases * phasePitch + x / phases] = acc;
        }
    }

    static void taps(PoolReduction op, int taps, int[] tapOff, float[] src, int sOff, int sPitch, int rows,
            int cols, float[] dst, int dOff, int dPitch) {
        boolean max = op == PoolReduction.MAX;
        for (int r = 0; r < rows; r++) {
            int s = sOff + r * sPitch;
            int d = dOff + r * dPitch;
            for (int i = 0; i < cols; i++) {
                float acc = src[s + tapOff[0] + i];
                for (int t = 1; t < taps; t++) {
                    float v = src[s + tapOff[t] + i];
                    acc = max ? Math.max(acc, v) : acc + v;
                }
                dst[d + i] = acc;
            }
        }
    }

    static void reduce(PoolReduction op, float[] src, int sOff, int rows, int len, float[] dst, int dOff) {
        boolean max = op == PoolReduction.MAX;
        for (int r = 0; r < rows; r++) {
            int s = sOff + r * len;
            float acc = src[s];
            for (int i = 1; i < len; i++) {
                acc = max ? Math.max(acc, src[s + i]) : acc + src[s + i];
            }
            dst[dOff + r] = acc;
        }
    }

    static boolean anyNaN(float[] a, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (Float.isNaN(a[off + i])) {
                return true;
            }
        }
        return false;
    }
}
