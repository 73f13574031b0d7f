package dev.vinfer.ops.quant;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * QLinearMatMul and MatMulInteger with what conformance does not cover: per-row parameters of a, per-column
 * parameters of b, broadcast batch axes and 1-D operands, against a dequantize / float matmul / quantize reference
 * with power-of-two scales (so both paths are exact and must agree exactly).
 */
class QLinearMatMulOpTest {

    @Test
    void perRowAndPerColumnWithBroadcastBatches() {
        long seed = Long.getLong("vinfer.test.seed", 20261129L); // fixed default: CI repeatable
        Random rnd = new Random(seed);
        for (int c = 0; c < 100; c++) {
            int m = 1 + rnd.nextInt(4);
            int k = 1 + rnd.nextInt(5);
            int n = 1 + rnd.nextInt(4);
            int[][] shapes = switch (rnd.nextInt(4)) {
                case 0 -> new int[][] {{m, k}, {k, n}};
                case 1 -> new int[][] {{2, 1, m, k}, {3, k, n}};
                case 2 -> new int[][] {{k}, {2, k, n}};
                default -> new int[][] {{2, m, k}, {k}};
            };
            try {
                check(rnd, shapes[0], shapes[1]);
            } catch (AssertionError | RuntimeException e) {
                fail("seed " + seed + ", case " + c + " (a " + Arrays.toString(shapes[0]) + ", b "
                        + Arrays.toString(shapes[1]) + "): " + e.getMessage(), e);
            }
        }
    }

    private static void check(Random rnd, int[] aShape, int[] bShape) {
        int[] a2 = aShape.length == 1 ? new int[] {1, aShape[0]} : aShape;
        int[] b2 = bShape.length == 1 ? new int[] {bShape[0], 1} : bShape;
        int m = a2[a2.length - 2];
        int k = a2[a2.length - 1];
        int n = b2[b2.length - 1];
        Tensor a = random(rnd, DType.UINT8, aShape);
        Tensor b = random(rnd, DType.INT8, bShape);
        // Per row of a only when a is a matrix; per column of b only when b is one.
        int rows = aShape.length == 1 ? 1 : m;
        int cols = bShape.length == 1 ? 1 : n;
        float[] aScale = pow2(rnd, rows);
        float[] bScale = pow2(rnd, cols);
        Tensor aZero = random(rnd, DType.UINT8, new int[] {rows});
        Tensor bZero = random(rnd, DType.INT8, new int[] {cols});
        float yScale = (float) Math.scalb(1.0, 2 + rnd.nextInt(4));
        Tensor yZero = Tensor.ofBytes(DType.UINT8, new byte[] {(byte) 100});

        Tensor got = new QLinearMatMulOp().run(new TestContext(), new Tensor[] {a, Tensor.of(aScale, rows), aZero,
            b, Tensor.of(bScale, cols), bZero, Tensor.scalar(yScale), yZero})[0];
        Tensor gotInt = new MatMulIntegerOp().run(new TestContext(), new Tensor[] {a, b, aZero, bZero})[0];

        int[] batch = Shapes.broadcast(Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2));
        int batches = Shapes.size(batch);
        long[] want = new long[batches * m * n];
        long[] wantInt = new long[want.length];
        for (int t = 0; t < batches; t++) {
            int ta = broadcastIndex(t, batch, Arrays.copyOf(a2, a2.length - 2));
            int tb = broadcastIndex(t, batch, Arrays.copyOf(b2, b2.length - 2));
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    long isum = 0;
                    for (int kk = 0; kk < k; kk++) {
                        long av = a.getLong((ta * m + i) * k + kk) - aZero.getLong(rows == 1 ? 0 : i);
                        long bv = b.getLong((tb * k + kk) * n + j) - bZero.getLong(cols == 1 ? 0 : j);
                        isum += av * bv;
                        sum += av * (double) aScale[rows == 1 ? 0 : i] * bv * bScale[cols == 1 ? 0 : j];
                    }
                    int o = (t * m + i) * n + j;
                    wantInt[o] = isum;
                    want[o] = Math.max(0, Math.min(255, (long) Math.rint(sum / yScale) + 100));
                }
            }
        }
        assertArrayEquals(want, got.toLongArray(), "QLinearMatMul");
        assertArrayEquals(wantInt, gotInt.toLongArray(), "MatMulInteger");
        assertArrayEquals(got.shape(), gotInt.shape(), "shapes agree");
    }

    /** The operand's batch index for output batch {@code t}, numpy broadcasting (right-aligned, 1 repeats). */
    private static int broadcastIndex(int t, int[] batch, int[] own) {
        int[] idx = new int[batch.length];
        for (int a = batch.length - 1; a >= 0; a--) {
            idx[a] = t % batch[a];
            t /= batch[a];
        }
        int index = 0;
        for (int a = 0; a < own.length; a++) {
            int d = own[a];
            int i = idx[batch.length - own.length + a];
            index = index * d + (d == 1 ? 0 : i);
        }
        return index;
    }

    private static float[] pow2(Random rnd, int count) {
        float[] s = new float[count];
        for (int i = 0; i < count; i++) {
            s[i] = (float) Math.scalb(1.0, -rnd.nextInt(6));
        }
        return s;
    }

    private static Tensor random(Random rnd, DType t, int[] shape) {
        byte[] d = new byte[Shapes.size(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (t == DType.UINT8 ? rnd.nextInt(256) : rnd.nextInt(256) - 128);
        }
        return Tensor.ofBytes(t, d, shape);
    }
}
