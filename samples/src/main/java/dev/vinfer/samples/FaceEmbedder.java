package dev.vinfer.samples;

import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import dev.vinfer.samples.vision.ChannelOrder;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.samples.vision.Layout;
import dev.vinfer.samples.vision.Normalization;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;

/**
 * A face-embedding model such as MobileFaceNet: an aligned 112 x 112 RGB face, normalized as the model was trained
 * ({@link #MOBILEFACENET}: [0, 1] then the ImageNet mean and std, MobileFaceNet's own evaluation pre-processing;
 * {@link #ARCFACE}: {@code (pixel - 127.5) / 128}, insightface's ArcFace models), gives a vector that is
 * L2-normalized here, so that the cosine similarity of two faces is the dot product of their embeddings.
 */
public final class FaceEmbedder implements AutoCloseable {
    /** MobileFaceNet's normalization: [0, 1], then ImageNet mean and std. */
    public static final Normalization MOBILEFACENET = Normalization.imagenet();
    /** insightface ArcFace normalization: (pixel - 127.5) / 128. */
    public static final Normalization ARCFACE = new Normalization(1, new float[] {127.5f}, new float[] {128});

    private final ModelRunner runner;
    private final String inputName;
    private final Normalization norm;

    /** Opens an embedder with vinfer, with MobileFaceNet's normalization. */
    public static FaceEmbedder open(Path model, SessionOptions options) {
        return open(model, options, MOBILEFACENET);
    }

    /** Opens an embedder with vinfer. */
    public static FaceEmbedder open(Path model, SessionOptions options, Normalization norm) {
        return new FaceEmbedder(ModelRunner.open(dev.vinfer.onnx.OnnxModel.load(model), options), norm);
    }

    /** An embedder over any runner (the tests use ONNX Runtime), with MobileFaceNet's normalization. */
    public FaceEmbedder(ModelRunner runner) {
        this(runner, MOBILEFACENET);
    }

    /** An embedder over any runner. */
    public FaceEmbedder(ModelRunner runner, Normalization norm) {
        this.norm = norm;
        if (runner.inputs().size() != 1) {
            runner.close();
            throw new IllegalArgumentException("a face embedder takes one input, this model takes "
                    + runner.inputs());
        }
        ValueInfo in = runner.inputs().get(0);
        long[] d = in.dims();
        if (d == null || d.length != 4 || (d[1] >= 0 && d[1] != 3) || (d[2] >= 0 && d[2] != FaceAlignment.SIZE)
                || (d[3] >= 0 && d[3] != FaceAlignment.SIZE)) {
            runner.close();
            throw new IllegalArgumentException("a face embedder takes [1, 3, 112, 112]; this model takes "
                    + in.shapeString());
        }
        this.runner = runner;
        this.inputName = in.name();
    }

    /** The model input for an aligned 112 x 112 face, with MobileFaceNet's normalization. */
    public static Tensor toInput(BufferedImage face) {
        return toInput(face, MOBILEFACENET);
    }

    /** The model input for an aligned 112 x 112 face. */
    public static Tensor toInput(BufferedImage face, Normalization norm) {
        if (face.getWidth() != FaceAlignment.SIZE || face.getHeight() != FaceAlignment.SIZE) {
            throw new IllegalArgumentException("an aligned face is 112 x 112, got " + face.getWidth() + " x "
                    + face.getHeight());
        }
        return ImageTensors.toTensor(face, ChannelOrder.RGB, Layout.NCHW, norm);
    }

    /** The L2-normalized embedding of an aligned face. */
    public float[] embed(BufferedImage face) {
        return embed(toInput(face, norm));
    }

    /** The L2-normalized embedding of a prepared input. */
    public float[] embed(Tensor input) {
        Tensor out = runner.run(Map.of(inputName, input)).values().iterator().next();
        float[] e = out.toFloatArray();
        double n = 0;
        for (float v : e) {
            n += (double) v * v;
        }
        if (!(n > 0) || !Double.isFinite(n)) {
            throw new IllegalArgumentException("the embedder returned a zero or non-finite vector");
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < e.length; i++) {
            e[i] *= inv;
        }
        return e;
    }

    /** Cosine similarity of two L2-normalized embeddings. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings of different lengths: " + a.length + ", " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Override
    public void close() {
        runner.close();
    }
}
