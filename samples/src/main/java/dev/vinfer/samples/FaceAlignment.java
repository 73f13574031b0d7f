package dev.vinfer.samples;

import dev.vinfer.samples.vision.SimilarityTransform;
import java.awt.image.BufferedImage;

/**
 * Aligns a face for an embedding model: five points (the two eye centers, the nose tip, the two mouth corners)
 * taken from a 468-point MediaPipe face mesh are mapped by the least-squares similarity transform onto the
 * standard 5-point template of ArcFace-style 112 x 112 face crops, and the image is warped accordingly.
 *
 * <p>Mesh indices (MediaPipe's canonical face model): eye centers are the means of the 16 points around each eye
 * opening; nose tip 1; mouth corners 61 and 291. Which eye and which mouth corner goes to the template's left is
 * decided by their x in the image, so a mirrored photo aligns like the original.
 */
public final class FaceAlignment {
    /** Side of the aligned crop in pixels. */
    public static final int SIZE = 112;

    /**
     * The 5-point template for 112 x 112 crops (insightface's arcface_dst; pixel centers at integer coordinates):
     * left eye, right eye, nose tip, left mouth corner, right mouth corner, as seen in the image.
     */
    static final double[][] TEMPLATE = {{38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366},
        {41.5493, 92.3655}, {70.7299, 92.2041}};

    private static final int[] EYE_A = {33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246};
    private static final int[] EYE_B = {362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384,
        398};
    private static final int NOSE_TIP = 1;
    private static final int MOUTH_A = 61;
    private static final int MOUTH_B = 291;

    private FaceAlignment() {
    }

    /** An aligned face: the crop, the five points used (original pixels), and the transform to the crop. */
    public record Aligned(BufferedImage crop, double[][] points, SimilarityTransform toCrop, double rmsError) {
    }

    /**
     * The five points, in image pixels with pixel centers at integer coordinates, ordered as {@link #TEMPLATE}.
     *
     * @param mesh 468 {x, y, z} landmarks in image pixels (pixel i covering [i, i + 1))
     */
    public static double[][] fivePoints(float[][] mesh) {
        if (mesh.length < 468) {
            throw new IllegalArgumentException("need the 468 points of a MediaPipe face mesh, got " + mesh.length);
        }
        double[] eyeA = mean(mesh, EYE_A);
        double[] eyeB = mean(mesh, EYE_B);
        double[] mouthA = point(mesh[MOUTH_A]);
        double[] mouthB = point(mesh[MOUTH_B]);
        double[] nose = point(mesh[NOSE_TIP]);
        boolean eyesSwapped = eyeA[0] > eyeB[0];
        boolean mouthSwapped = mouthA[0] > mouthB[0];
        return new double[][] {eyesSwapped ? eyeB : eyeA, eyesSwapped ? eyeA : eyeB, nose,
            mouthSwapped ? mouthB : mouthA, mouthSwapped ? mouthA : mouthB};
    }

    /** Aligns the face whose mesh is given onto the 112 x 112 template. */
    public static Aligned align(BufferedImage img, float[][] mesh) {
        double[][] pts = fivePoints(mesh);
        SimilarityTransform t = SimilarityTransform.leastSquares(pts, TEMPLATE);
        return new Aligned(t.warp(img, SIZE, SIZE), pts, t, t.rmsError(pts, TEMPLATE));
    }

    private static double[] point(float[] p) {
        // Mesh coordinates have pixel i covering [i, i + 1); the template's pixel centers are integers.
        return new double[] {p[0] - 0.5, p[1] - 0.5};
    }

    private static double[] mean(float[][] mesh, int[] idx) {
        double x = 0;
        double y = 0;
        for (int i : idx) {
            x += mesh[i][0];
            y += mesh[i][1];
        }
        return new double[] {x / idx.length - 0.5, y / idx.length - 0.5};
    }
}
