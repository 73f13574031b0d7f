package dev.vinfer.samples;

import dev.vinfer.runtime.SessionOptions;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * Face verification: are two photos of the same person? In each photo a {@link FaceLandmarker} finds the face (the
 * best-scoring one) and its mesh, {@link FaceAlignment} aligns it to the 112 x 112 template, a {@link FaceEmbedder}
 * embeds it, and the cosine similarity of the two embeddings is compared with a threshold.
 *
 * <pre>{@code
 * try (FaceVerifier v = FaceVerifier.open(detector, mesh, embedder, new SessionOptions())) {
 *     FaceVerifier.Result r = v.verify(photoA, photoB, FaceVerifier.DEFAULT_THRESHOLD);
 *     System.out.println(r.cosine() + (r.same() ? " same" : " different"));
 * }
 * }</pre>
 */
public final class FaceVerifier implements AutoCloseable {
    /**
     * Cosine similarity from which two faces count as the same person. MobileFaceNet's SOURCE.txt measured, on LFW
     * crops: a face against its mirror image 0.95 on average (lowest 0.83); different people 0.02 on average (95th
     * percentile 0.19); its known hard pairs about 0.25-0.28. 0.5 sits between the two groups.
     */
    public static final double DEFAULT_THRESHOLD = 0.5;

    /**
     * Least face-presence probability the mesh model must give a detection. UltraFace alone also fires on animal
     * faces (0.97 on chelsea.png, the cat), which the mesh model rejects (presence 0.000 there, 1.000 on
     * astronaut.png).
     */
    public static final float MIN_PRESENCE = 0.5f;

    private final FaceLandmarker landmarker;
    private final FaceEmbedder embedder;

    /** One photo's face: detection and mesh, alignment, embedding, and how many faces the photo had. */
    public record Face(FaceLandmarker.FaceMesh mesh, FaceAlignment.Aligned aligned, float[] embedding, int faces) {
    }

    /** Both faces, their cosine similarity and the verdict. */
    public record Result(Face a, Face b, double cosine, double threshold) {
        public boolean same() {
            return cosine >= threshold;
        }
    }

    /** No face was found in a photo. */
    public static final class NoFaceException extends IllegalArgumentException {
        public NoFaceException(String message) {
            super(message);
        }
    }

    public FaceVerifier(FaceLandmarker landmarker, FaceEmbedder embedder) {
        this.landmarker = landmarker;
        this.embedder = embedder;
    }

    /** Opens the three models with vinfer (the embedder with MobileFaceNet's normalization). */
    public static FaceVerifier open(Path detector, Path mesh, Path embedder, SessionOptions options) {
        return open(detector, mesh, embedder, options, FaceEmbedder.MOBILEFACENET);
    }

    /** Opens the three models with vinfer; {@code norm} is the embedder's input normalization. */
    public static FaceVerifier open(Path detector, Path mesh, Path embedder, SessionOptions options,
            dev.vinfer.samples.vision.Normalization norm) {
        FaceLandmarker l = FaceLandmarker.open(detector, mesh, options);
        try {
            return new FaceVerifier(l, FaceEmbedder.open(embedder, options, norm));
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
    }

    /**
     * The best face of a photo, aligned and embedded: the best-scoring detection that the mesh model confirms.
     *
     * @param name     the photo's name, for the error message
     * @param minScore the detector's face score threshold
     * @throws NoFaceException when the photo has no such face
     */
    public Face face(BufferedImage img, String name, float minScore) {
        List<FaceLandmarker.FaceMesh> detected = landmarker.detect(img, minScore);
        // A model without a presence output gives NaN: then every detection counts.
        List<FaceLandmarker.FaceMesh> faces = detected.stream().filter(m -> !(m.presence() < MIN_PRESENCE))
                .toList();
        if (faces.isEmpty()) {
            throw new NoFaceException("no face in " + name + (detected.isEmpty() ? " (no detection scored above "
                    + minScore + ")" : " (" + detected.size() + (detected.size() == 1 ? " detection" : " detections")
                    + ", none confirmed by the face mesh)"));
        }
        FaceLandmarker.FaceMesh best = faces.get(0);
        FaceAlignment.Aligned aligned = FaceAlignment.align(img, best.landmarks());
        return new Face(best, aligned, embedder.embed(aligned.crop()), faces.size());
    }

    /** Compares the best faces of two photos. */
    public Result verify(BufferedImage a, String nameA, BufferedImage b, String nameB, double threshold) {
        Face fa = face(a, nameA, FaceDetector.DEFAULT_THRESHOLD);
        Face fb = face(b, nameB, FaceDetector.DEFAULT_THRESHOLD);
        return new Result(fa, fb, FaceEmbedder.cosine(fa.embedding(), fb.embedding()), threshold);
    }

    @Override
    public void close() {
        try {
            landmarker.close();
        } finally {
            embedder.close();
        }
    }
}
