package dev.vinfer.samples.style;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.StringStringEntryProto;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import dev.vinfer.samples.vision.ImageTensors;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Feed-forward style transfer (Johnson et al. 2016; e.g. the "candy" model): the image is resized to the model's
 * input size, given as planar 0..255 values in the model's colour order, and the output, clipped to 0..255, is
 * resized back to the image's own size so its aspect ratio is restored.
 *
 * <p>Colour order: BGR when the model says so (the Windows ML exports document "BGR" on their input and set
 * {@code Image.BitmapPixelFormat = Bgr8}), else RGB (the PyTorch examples' exports); {@link Channels} overrides.
 * Input size: the model's if fixed, else the image's own.
 */
public final class StyleTransfer implements AutoCloseable {
    /** Colour order of the model's planes. */
    public enum Channels { AUTO, RGB, BGR }

    private final Session session;
    private final String inputName;
    private final boolean bgr;
    private final int fixedHeight;
    private final int fixedWidth;

    public StyleTransfer(Path model, int threads, Channels channels) {
        OnnxModel m = OnnxModel.load(model);
        this.session = Vinfer.open(m, new SessionOptions().threads(threads));
        ValueInfo in = session.inputs().get(0);
        if (session.inputs().size() != 1 || in.dims() == null || in.dims().length != 4) {
            session.close();
            throw new IllegalArgumentException(model + " is not an image-to-image model with one [N, 3, H, W] input"
                    + " (it takes " + session.inputs() + ")");
        }
        this.inputName = in.name();
        this.bgr = channels == Channels.AUTO ? saysBgr(m.proto()) : channels == Channels.BGR;
        // -1 where symbolic: then the image's own size is used.
        this.fixedHeight = (int) in.dims()[2];
        this.fixedWidth = (int) in.dims()[3];
    }

    /** Whether the model documents its image input as BGR. */
    static boolean saysBgr(ModelProto m) {
        for (StringStringEntryProto p : m.getMetadataPropsList()) {
            if (p.getKey().equals("Image.BitmapPixelFormat")) {
                return p.getValue().toLowerCase(Locale.ROOT).startsWith("bgr");
            }
        }
        if (m.getGraph().getInputCount() > 0) {
            String doc = m.getGraph().getInput(0).getDocString();
            return doc.contains("BGR");
        }
        return false;
    }

    public boolean bgr() {
        return bgr;
    }

    /** The size the image is resized to: the model's fixed size, or the image's own. */
    public int[] inputSize(BufferedImage img) {
        return new int[] {fixedWidth > 0 ? fixedWidth : img.getWidth(), fixedHeight > 0 ? fixedHeight
                : img.getHeight()};
    }

    /** The model input for an image: resized, planar, 0..255 in the model's colour order. */
    public Tensor toInput(BufferedImage img) {
        int[] size = inputSize(img);
        BufferedImage resized = size[0] == img.getWidth() && size[1] == img.getHeight() ? img
                : ImageTensors.resize(img, size[0], size[1]);
        return ImageTensors.toNchw(resized, bgr, 1f, new float[3], new float[] {1, 1, 1});
    }

    /** Runs the model on a prepared input tensor and returns its raw output [1, 3, H, W]. */
    public Tensor run(Tensor input) {
        Map<String, Tensor> out = session.run(Map.of(inputName, input));
        Tensor y = out.values().iterator().next();
        if (y.rank() != 4 || y.dim(0) != 1 || y.dim(1) != 3) {
            throw new IllegalArgumentException("the model returned " + y + ", not a [1, 3, H, W] image");
        }
        return y;
    }

    /** Stylizes an image: the result has the image's size. */
    public BufferedImage stylize(BufferedImage img) {
        BufferedImage styled = toImage(run(toInput(img)), bgr);
        return styled.getWidth() == img.getWidth() && styled.getHeight() == img.getHeight() ? styled
                : ImageTensors.resize(styled, img.getWidth(), img.getHeight());
    }

    /** A [1, 3, H, W] tensor of 0..255 values (clipped) as an RGB image. */
    public static BufferedImage toImage(Tensor t, boolean bgr) {
        int h = t.dim(2);
        int w = t.dim(3);
        int plane = h * w;
        float[] d = t.floats();
        int o = t.offset();
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            int c0 = clip(d[o + i]);
            int c1 = clip(d[o + plane + i]);
            int c2 = clip(d[o + 2 * plane + i]);
            int r = bgr ? c2 : c0;
            int b = bgr ? c0 : c2;
            rgb[i] = (r << 16) | (c1 << 8) | b;
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, w, h, rgb, 0, w);
        return img;
    }

    private static int clip(float v) {
        // NaN becomes 0 as well.
        return v >= 255f ? 255 : v > 0f ? Math.round(v) : 0;
    }

    @Override
    public void close() {
        session.close();
    }
}
