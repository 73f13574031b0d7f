package dev.vinfer.samples.vision;

/**
 * A 2-D similarity transform (rotation, uniform scale, translation; no reflection):
 * {@code x' = a x - b y + tx}, {@code y' = b x + a y + ty}.
 *
 * @param a  scale * cos(angle)
 * @param b  scale * sin(angle)
 * @param tx translation in x
 * @param ty translation in y
 */
public record SimilarityTransform(double a, double b, double tx, double ty) {

    /**
     * The transform that maps {@code src[i]} closest to {@code dst[i]} in the least-squares sense (the 2-D case of
     * Umeyama's method, which for a similarity without reflection is a linear least-squares problem in a, b, tx,
     * ty): with both point sets centered, {@code a = sum(p . q) / sum|p|^2}, {@code b = sum(p x q) / sum|p|^2}.
     *
     * @param src points {x, y}, at least 2, not all the same
     * @param dst as many points
     */
    public static SimilarityTransform leastSquares(double[][] src, double[][] dst) {
        int n = src.length;
        if (n < 2 || dst.length != n) {
            throw new IllegalArgumentException("need at least 2 point pairs, got " + n + " and " + dst.length);
        }
        double sx = 0;
        double sy = 0;
        double dx = 0;
        double dy = 0;
        for (int i = 0; i < n; i++) {
            sx += src[i][0];
            sy += src[i][1];
            dx += dst[i][0];
            dy += dst[i][1];
        }
        sx /= n;
        sy /= n;
        dx /= n;
        dy /= n;
        double norm = 0;
        double dot = 0;
        double cross = 0;
        for (int i = 0; i < n; i++) {
            double px = src[i][0] - sx;
            double py = src[i][1] - sy;
            double qx = dst[i][0] - dx;
            double qy = dst[i][1] - dy;
            norm += px * px + py * py;
            dot += px * qx + py * qy;
            cross += px * qy - py * qx;
        }
        if (!(norm > 0)) {
            throw new IllegalArgumentException("the source points all coincide");
        }
        double a = dot / norm;
        double b = cross / norm;
        return new SimilarityTransform(a, b, dx - (a * sx - b * sy), dy - (b * sx + a * sy));
    }

    /** The x coordinate of the image of point {@code (x, y)}. */
    public double x(double x, double y) {
        return a * x - b * y + tx;
    }

    /** The y coordinate of the image of point {@code (x, y)}. */
    public double y(double x, double y) {
        return b * x + a * y + ty;
    }

    /** The scale factor. */
    public double scale() {
        return Math.hypot(a, b);
    }

    /** The rotation in radians. */
    public double angle() {
        return Math.atan2(b, a);
    }

    /**
     * The transform that undoes this one.
     *
     * @throws IllegalStateException if the scale is zero
     */
    public SimilarityTransform inverse() {
        double d = a * a + b * b;
        if (!(d > 0)) {
            throw new IllegalStateException("a zero-scale transform has no inverse");
        }
        double ia = a / d;
        double ib = -b / d;
        return new SimilarityTransform(ia, ib, -(ia * tx - ib * ty), -(ib * tx + ia * ty));
    }

    /** Root-mean-square distance between the mapped {@code src} points and {@code dst}. */
    public double rmsError(double[][] src, double[][] dst) {
        double sum = 0;
        for (int i = 0; i < src.length; i++) {
            double ex = x(src[i][0], src[i][1]) - dst[i][0];
            double ey = y(src[i][0], src[i][1]) - dst[i][1];
            sum += ex * ex + ey * ey;
        }
        return Math.sqrt(sum / src.length);
    }

    /**
     * The {@code width x height} image whose pixel (x, y) shows the source image at {@code inverse()(x, y)},
     * bilinearly interpolated; pixel centers at integer coordinates in both images (the convention of OpenCV's
     * warpAffine, in which face alignment templates are given). Outside the source: black.
     */
    public java.awt.image.BufferedImage warp(java.awt.image.BufferedImage src, int width, int height) {
        SimilarityTransform back = inverse();
        int sw = src.getWidth();
        int sh = src.getHeight();
        int[] in = src.getRGB(0, 0, sw, sh, null, 0, sw);
        int[] out = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double fx = back.x(x, y);
                double fy = back.y(x, y);
                int x0 = (int) Math.floor(fx);
                int y0 = (int) Math.floor(fy);
                double wx = fx - x0;
                double wy = fy - y0;
                double r = 0;
                double g = 0;
                double bl = 0;
                for (int k = 0; k < 4; k++) {
                    int xi = x0 + (k & 1);
                    int yi = y0 + (k >> 1);
                    double w = ((k & 1) == 0 ? 1 - wx : wx) * ((k >> 1) == 0 ? 1 - wy : wy);
                    if (w == 0 || xi < 0 || yi < 0 || xi >= sw || yi >= sh) {
                        continue;
                    }
                    int p = in[yi * sw + xi];
                    r += w * ((p >> 16) & 0xFF);
                    g += w * ((p >> 8) & 0xFF);
                    bl += w * (p & 0xFF);
                }
                out[y * width + x] = ((int) Math.round(r) << 16) | ((int) Math.round(g) << 8)
                        | (int) Math.round(bl);
            }
        }
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(width, height,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, width, height, out, 0, width);
        return img;
    }
}
