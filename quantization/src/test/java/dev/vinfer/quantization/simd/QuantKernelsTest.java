package dev.vinfer.quantization.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.quantization.simd.QuantKernels.Activation;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Vector API kernels against the scalar reference: identical results, ties and saturation included. */
class QuantKernelsTest {
    private final QuantKernels vector = new VectorQuantKernels();
    private final QuantKernels scalar = QuantKernels.scalar();

    @Test
    void centerMatchesScalar() {
        long seed = 11;
        Random r = new Random(seed);
        for (int n : new int[] {0, 1, 15, 16, 17, 100, 1000}) {
            byte[] src = new byte[n + 3];
            r.nextBytes(src);
            for (boolean unsigned : new boolean[] {true, false}) {
                int zero = unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
                float[] a = new float[n + 5];
                float[] b = new float[n + 5];
                vector.center(src, 3, unsigned, zero, a, 5, n);
                scalar.center(src, 3, unsigned, zero, b, 5, n);
                assertArrayEquals(b, a, "seed " + seed + " n " + n);
            }
        }
    }

    @Test
    void requantizeMatchesScalarIncludingTiesAndSaturation() {
        long seed = 12;
        Random r = new Random(seed);
        Activation[] acts = {Activation.NONE, new Activation(0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY),
            new Activation(1f, 0f, 37.5f), new Activation(0.1f, -20f, Float.POSITIVE_INFINITY)};
        for (int n : new int[] {1, 16, 33, 257}) {
            float[] acc = new float[n];
            for (int i = 0; i < n; i++) {
                acc[i] = switch (i % 4) {
                    case 0 -> r.nextInt(2001) - 1000;          // exact integers
                    case 1 -> (r.nextInt(400) - 200) + 0.5f;    // exact ties with mult 1
                    case 2 -> (float) (r.nextGaussian() * 1e5);  // saturating
                    default -> r.nextFloat() * 300 - 150;
                };
            }
            for (Activation act : acts) {
                for (int[] z : new int[][] {{0, 0, 255}, {128, 0, 255}, {0, -128, 127}, {-3, -128, 127}}) {
                    byte[] a = new byte[n];
                    byte[] b = new byte[n];
                    float mult = r.nextBoolean() ? 1f : 0.37f;
                    vector.requantize(acc, 0, mult, 0.25f, act, z[0], z[1], z[2], a, 0, n);
                    scalar.requantize(acc, 0, mult, 0.25f, act, z[0], z[1], z[2], b, 0, n);
                    assertArrayEquals(b, a, "seed " + seed + " n " + n + " act " + act);
                    float[] mults = new float[n];
                    float[] adds = new float[n];
                    for (int i = 0; i < n; i++) {
                        mults[i] = i % 2 == 0 ? 1f : 0.5f;
                        adds[i] = i % 3 == 0 ? 0.5f : 0f;
                    }
                    vector.requantizeRow(acc, 0, mults, adds, act, z[0], z[1], z[2], a, 0, n);
                    scalar.requantizeRow(acc, 0, mults, adds, act, z[0], z[1], z[2], b, 0, n);
                    assertArrayEquals(b, a, "row: seed " + seed + " n " + n + " act " + act);
                }
            }
        }
    }

    @Test
    void tiesRoundToEven() {
        float[] acc = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 126.5f, 127.5f, -128.5f, 1e9f, -1e9f, Float.NaN};
        byte[] y = new byte[acc.length];
        vector.requantize(acc, 0, 1f, 0f, Activation.NONE, 0, -128, 127, y, 0, acc.length);
        assertArrayEquals(new byte[] {0, 2, 2, 0, -2, -2, 126, 127, -128, 127, -128, 0}, y);
        byte[] s = new byte[acc.length];
        scalar.requantize(acc, 0, 1f, 0f, Activation.NONE, 0, -128, 127, s, 0, acc.length);
        assertArrayEquals(y, s);
    }

    @Test
    void binaryMatchesScalarAndTheFloatPath() {
        long seed = 13;
        Random r = new Random(seed);
        int n = 103;
        byte[] a = new byte[n];
        byte[] b = new byte[n];
        r.nextBytes(a);
        r.nextBytes(b);
        Activation relu = new Activation(0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        for (boolean mul : new boolean[] {false, true}) {
            for (Activation act : new Activation[] {Activation.NONE, relu}) {
                byte[] v = new byte[n];
                byte[] s = new byte[n];
                vector.binary(mul, a, 0, true, 120, 0.037f, b, 0, false, -3, 0.011f, act, 0.05f, 128, 0, 255, v, 0, n);
                scalar.binary(mul, a, 0, true, 120, 0.037f, b, 0, false, -3, 0.011f, act, 0.05f, 128, 0, 255, s, 0, n);
                assertArrayEquals(s, v, "seed " + seed + " mul " + mul);
                for (int i = 0; i < n; i++) {
                    float fa = (float) ((double) ((a[i] & 0xFF) - 120) * 0.037f);
                    float fb = (float) ((double) (b[i] + 3) * 0.011f);
                    float f = act.apply(mul ? fa * fb : fa + fb);
                    int want = (int) Math.max(0, Math.min(255, Math.rint(f / 0.05f) + 128));
                    assertEquals(want, s[i] & 0xFF, "element " + i);
                }
            }
        }
    }

    @Test
    void quantizeMatchesQuantizeLinearArithmetic() {
        long seed = 14;
        Random r = new Random(seed);
        int n = 301;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 3) {
                case 0 -> (float) (r.nextGaussian() * 3);
                case 1 -> (r.nextInt(200) - 100 + 0.5f) * 0.02f;  // near-ties after the division
                default -> (float) (r.nextGaussian() * 1e4);      // saturating
            };
        }
        x[7] = Float.NaN;
        for (int[] z : new int[][] {{0, 0, 255}, {128, 0, 255}, {-7, -128, 127}}) {
            byte[] v = new byte[n];
            byte[] s = new byte[n];
            vector.quantize(x, 0, 0.02f, z[0], z[1], z[2], v, 0, n);
            scalar.quantize(x, 0, 0.02f, z[0], z[1], z[2], s, 0, n);
            assertArrayEquals(s, v, "seed " + seed);
            for (int i = 0; i < n; i++) {
                double q = Math.rint(x[i] / 0.02f);
                int want = Double.isNaN(q) ? z[0] : (int) Math.max(z[1], Math.min(z[2], q + z[0]));
                assertEquals((byte) want, s[i], "element " + i);
            }
        }
    }

    @Test
    void addToIntsMatchesScalar() {
        float[] src = new float[37];
        for (int i = 0; i < src.length; i++) {
            src[i] = (i * 7919 % 33554) - 16000;
        }
        int[] a = new int[37];
        int[] b = new int[37];
        a[3] = b[3] = 5;
        vector.addToInts(src, 0, a, 0, src.length);
        scalar.addToInts(src, 0, b, 0, src.length);
        assertArrayEquals(b, a);
        assertEquals(5 + (int) src[3], a[3]);
    }
}
