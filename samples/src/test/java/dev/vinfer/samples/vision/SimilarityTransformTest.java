package dev.vinfer.samples.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Least-squares similarity fit, inverse and warp. */
class SimilarityTransformTest {

    @Test
    void recoversAKnownTransformExactlyAndFitsNoisyPointsInTheLeastSquaresSense() {
        // A fixed default keeps CI repeatable; -Dvinfer.test.seed=N explores other draws.
        long seed = Long.getLong("vinfer.test.seed", 20261129L);
        Random rnd = new Random(seed);
        for (int iter = 0; iter < 50; iter++) {
            double s = 0.2 + 3 * rnd.nextDouble();
            double ang = (rnd.nextDouble() - 0.5) * 2 * Math.PI;
            SimilarityTransform t = new SimilarityTransform(s * Math.cos(ang), s * Math.sin(ang),
                    rnd.nextGaussian() * 50, rnd.nextGaussian() * 50);
            int n = 2 + rnd.nextInt(6);
            double[][] src = new double[n][];
            double[][] dst = new double[n][];
            for (int i = 0; i < n; i++) {
                src[i] = new double[] {rnd.nextDouble() * 200, rnd.nextDouble() * 200};
                dst[i] = new double[] {t.x(src[i][0], src[i][1]), t.y(src[i][0], src[i][1])};
            }
            SimilarityTransform fit = SimilarityTransform.leastSquares(src, dst);
            String what = "seed " + seed + " case " + iter;
            assertEquals(t.a(), fit.a(), 1e-9, what);
            assertEquals(t.b(), fit.b(), 1e-9, what);
            assertEquals(t.tx(), fit.tx(), 1e-6, what);
            assertEquals(t.ty(), fit.ty(), 1e-6, what);
            SimilarityTransform back = fit.inverse();
            assertEquals(src[0][0], back.x(dst[0][0], dst[0][1]), 1e-6, what);
            assertEquals(src[0][1], back.y(dst[0][0], dst[0][1]), 1e-6, what);
            // With noise, the fit is a stationary point of the squared error: nudging any parameter makes it worse.
            for (double[] d : dst) {
                d[0] += rnd.nextGaussian();
                d[1] += rnd.nextGaussian();
            }
            SimilarityTransform noisy = SimilarityTransform.leastSquares(src, dst);
            double best = noisy.rmsError(src, dst);
            double h = 1e-3;
            SimilarityTransform[] nudged = {new SimilarityTransform(noisy.a() + h, noisy.b(), noisy.tx(), noisy.ty()),
                new SimilarityTransform(noisy.a(), noisy.b() - h, noisy.tx(), noisy.ty()),
                new SimilarityTransform(noisy.a(), noisy.b(), noisy.tx() + 10 * h, noisy.ty()),
                new SimilarityTransform(noisy.a(), noisy.b(), noisy.tx(), noisy.ty() - 10 * h)};
            for (SimilarityTransform o : nudged) {
                assertEquals(true, o.rmsError(src, dst) >= best - 1e-12, what);
            }
        }
    }

    @Test
    void warpShiftsAndRotatesPixels() {
        BufferedImage img = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, (x * 30) << 16 | (y * 40) << 8);
            }
        }
        // Output pixel (x, y) shows source (x + 2, y + 1).
        BufferedImage shifted = new SimilarityTransform(1, 0, -2, -1).warp(img, 5, 4);
        assertEquals(img.getRGB(2, 1), shifted.getRGB(0, 0));
        assertEquals(img.getRGB(6, 4), shifted.getRGB(4, 3));
        // 90 degrees: x' = -y + 5, y' = x; so output (x', y') shows source (y', 5 - x').
        BufferedImage rot = new SimilarityTransform(0, 1, 5, 0).warp(img, 6, 8);
        assertEquals(img.getRGB(3, 5 - 2), rot.getRGB(2, 3));
        // Outside the source: black.
        assertEquals(0, new SimilarityTransform(1, 0, 100, 0).warp(img, 2, 2).getRGB(0, 0) & 0xFFFFFF);
        // Half-way between two pixels: their mean.
        BufferedImage half = new SimilarityTransform(1, 0, -0.5, 0).warp(img, 2, 1);
        assertEquals(((img.getRGB(0, 0) >> 16 & 0xFF) + (img.getRGB(1, 0) >> 16 & 0xFF)) / 2.0,
                half.getRGB(0, 0) >> 16 & 0xFF, 0.51);
    }

    @Test
    void degeneratePointsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SimilarityTransform.leastSquares(
                new double[][] {{1, 1}, {1, 1}}, new double[][] {{0, 0}, {1, 1}}));
        assertThrows(IllegalArgumentException.class, () -> SimilarityTransform.leastSquares(
                new double[][] {{1, 1}}, new double[][] {{0, 0}}));
    }
}
