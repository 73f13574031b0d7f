package dev.vinfer.ops.shape;

/**
 * The Mersenne Twister MT19937 seeded from one 32-bit value, with 53-bit doubles in [0, 1) made from two outputs:
 * the generator of numpy's legacy {@code RandomState(seed)}, which the ONNX reference Dropout draws its mask from.
 * Using the same sequence makes a seeded training-mode Dropout reproduce the reference results. Not thread-safe:
 * make one per run.
 */
final class NumpyLegacyRandom {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER = 0x80000000;
    private static final int LOWER = 0x7fffffff;

    private final int[] state = new int[N];
    private int pos;

    NumpyLegacyRandom(long seed) {
        int s = (int) seed; // numpy keeps the low 32 bits
        for (int i = 0; i < N; i++) {
            state[i] = s;
            s = 1812433253 * (s ^ (s >>> 30)) + i + 1;
        }
        pos = N;
    }

    /** The next 32 random bits. */
    int nextInt() {
        if (pos >= N) {
            regenerate();
        }
        int y = state[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** A double in [0, 1) from the top 27 and 26 bits of two outputs. */
    double nextDouble() {
        long a = (nextInt() >>> 5) & 0xFFFFFFFFL;
        long b = (nextInt() >>> 6) & 0xFFFFFFFFL;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    private void regenerate() {
        for (int i = 0; i < N; i++) {
            int y = (state[i] & UPPER) | (state[(i + 1) % N] & LOWER);
            int next = state[(i + M) % N] ^ (y >>> 1);
            state[i] = (y & 1) != 0 ? next ^ MATRIX_A : next;
        }
        pos = 0;
    }
}
