package dev.vinfer.quantization.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vinfer.ops.nn.pool.PaddingPolicy;
import dev.vinfer.ops.nn.pool.PoolGeometry;
import dev.vinfer.ops.nn.pool.PoolWindow;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The row form of the byte MaxPool (vertical maxima across the row, then each window's columns) against the
 * tap-by-tap form on random seeded shapes: kernels 1-3 (and 3x2), strides 1-3, padding, ceil mode, odd sizes,
 * int8 and uint8.
 */
class ByteMaxPoolOpTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261128L);

    @Test
    void rowFormEqualsTapByTap() {
        for (int t = 0; t < 40; t++) {
            long seed = SEED + t;
            Random r = new Random(seed);
            int kh = 1 + r.nextInt(3);
            int kw = t % 5 == 0 ? 2 : kh;
            int s = 1 + r.nextInt(3);
            int p = Math.min(r.nextInt(2), Math.min(kh, kw) - 1);
            boolean ceil = r.nextBoolean();
            int h = kh + r.nextInt(14);
            int w = kw + r.nextInt(19);
            boolean unsigned = r.nextBoolean();
            PoolWindow win = new PoolWindow(new int[] {kh, kw}, new int[] {s, s}, new int[] {1, 1},
                    new int[] {p, p, p, p}, PaddingPolicy.EXPLICIT, ceil);
            PoolGeometry g = PoolGeometry.of(win, new int[] {1, 3, h, w});
            byte[] src = new byte[3 * h * w];
            r.nextBytes(src);
            int outPlane = g.outputPlaneSize();
            byte[] rows = new byte[3 * outPlane];
            byte[] taps = new byte[3 * outPlane];
            for (int plane = 0; plane < 3; plane++) {
                ByteMaxPoolOp.poolPlane(g, src, plane * h * w, unsigned, rows, plane * outPlane);
                ByteMaxPoolOp.poolPlaneByTaps(g, src, plane * h * w, unsigned, taps, plane * outPlane);
            }
            assertArrayEquals(taps, rows, "seed " + seed + ": k" + kh + "x" + kw + " s" + s + " p" + p + " ceil "
                    + ceil + " " + h + "x" + w + (unsigned ? " uint8" : " int8"));
        }
    }
}
