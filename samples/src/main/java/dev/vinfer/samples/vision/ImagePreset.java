package dev.vinfer.samples.vision;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Everything needed to turn a photo into a model's input tensor: size, resize policy, channel order, layout and
 * value scaling. The named presets cover common model families; {@code with...} methods override single fields,
 * and {@link #fitTo} adapts the size to what a model declares (and rejects a model the preset cannot feed).
 *
 * @param name         preset name, for messages
 * @param width        input width in pixels
 * @param height       input height in pixels
 * @param resize       how the photo is brought to width x height
 * @param cropFraction for {@link ResizeMode#CENTER_CROP}: the crop's share of the resized shorter side (0.875
 *                     means 224 out of 256)
 * @param channels     channel order (RGB, BGR or grey)
 * @param layout       NCHW or NHWC
 * @param norm         pixel value scaling
 * @param fill         padding colour for {@link ResizeMode#LETTERBOX}
 */
public record ImagePreset(String name, int width, int height, ResizeMode resize, float cropFraction,
        ChannelOrder channels, Layout layout, Normalization norm, Color fill) {

    private static final Map<String, ImagePreset> PRESETS = new LinkedHashMap<>();

    static {
        // torchvision / ONNX model zoo ImageNet classifiers (ResNet, MobileNet, ShuffleNet, SqueezeNet, ...).
        add(new ImagePreset("imagenet", 224, 224, ResizeMode.CENTER_CROP, 0.875f, ChannelOrder.RGB, Layout.NCHW,
                Normalization.imagenet(), Color.BLACK));
        // Inception / Keras-style classifiers: [-1, 1] at 299 px.
        add(new ImagePreset("inception", 299, 299, ResizeMode.CENTER_CROP, 0.875f, ChannelOrder.RGB, Layout.NCHW,
                new Normalization(1f / 255, new float[] {0.5f}, new float[] {0.5f}), Color.BLACK));
        // Caffe-trained classifiers (VGG, old ResNet, GoogLeNet): BGR 0..255 minus the BGR channel means.
        add(new ImagePreset("caffe", 224, 224, ResizeMode.CENTER_CROP, 0.875f, ChannelOrder.BGR, Layout.NCHW,
                new Normalization(1, new float[] {103.939f, 116.779f, 123.68f}, new float[] {1}), Color.BLACK));
        // The ONNX zoo MNIST model: 28x28 grey 0..255, white digit on black.
        add(new ImagePreset("mnist", 28, 28, ResizeMode.STRETCH, 1, ChannelOrder.GREY, Layout.NCHW,
                Normalization.raw(), Color.BLACK));
        // UltraFace face detectors: RGB (x - 127) / 128 at 320x240 (or 640x480, taken from the model).
        add(new ImagePreset("ultraface", 320, 240, ResizeMode.STRETCH, 1, ChannelOrder.RGB, Layout.NCHW,
                new Normalization(1, new float[] {127}, new float[] {128}), Color.BLACK));
        // MediaPipe face mesh: a 192x192 RGB face crop in [0, 1].
        add(new ImagePreset("facemesh", 192, 192, ResizeMode.STRETCH, 1, ChannelOrder.RGB, Layout.NCHW,
                Normalization.unit(), Color.BLACK));
        // YOLO-style detectors: letterboxed with grey 114, RGB [0, 1].
        add(new ImagePreset("yolo", 640, 640, ResizeMode.LETTERBOX, 1, ChannelOrder.RGB, Layout.NCHW,
                Normalization.unit(), new Color(114, 114, 114)));
    }

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if the size is not positive or {@code cropFraction} is outside (0, 1]
     */
    public ImagePreset {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + width + "x" + height);
        }
        if (!(cropFraction > 0 && cropFraction <= 1)) {
            throw new IllegalArgumentException("crop fraction must be in (0, 1], got " + cropFraction);
        }
    }

    private static void add(ImagePreset p) {
        PRESETS.put(p.name(), p);
    }

    /** A named preset; IllegalArgumentException listing the known names if there is none. */
    public static ImagePreset named(String name) {
        ImagePreset p = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "'; known: "
                    + String.join(", ", PRESETS.keySet()));
        }
        return p;
    }

    /** The names of the built-in presets. */
    public static Iterable<String> names() {
        return PRESETS.keySet();
    }

    /** This preset with another input size in pixels. */
    public ImagePreset withSize(int w, int h) {
        return new ImagePreset(name, w, h, resize, cropFraction, channels, layout, norm, fill);
    }

    /** This preset with another resize policy. */
    public ImagePreset withResize(ResizeMode r) {
        return new ImagePreset(name, width, height, r, cropFraction, channels, layout, norm, fill);
    }

    /** This preset with another channel order. */
    public ImagePreset withChannels(ChannelOrder c) {
        return new ImagePreset(name, width, height, resize, cropFraction, c, layout, norm, fill);
    }

    /** This preset with another tensor layout. */
    public ImagePreset withLayout(Layout l) {
        return new ImagePreset(name, width, height, resize, cropFraction, channels, l, norm, fill);
    }

    /** This preset with another pixel value scaling. */
    public ImagePreset withNormalization(Normalization n) {
        return new ImagePreset(name, width, height, resize, cropFraction, channels, layout, n, fill);
    }

    /** The tensor shape this preset produces. */
    public int[] shape() {
        return layout.shape(channels.channels(), height, width);
    }

    /** A model input tensor for {@code img}, and where its pixels are in {@code img}. */
    public Prepared prepare(BufferedImage img) {
        Transformed t = switch (resize) {
            case STRETCH -> ImageTensors.resizeTo(img, width, height);
            case CENTER_CROP -> ImageTensors.resizeCenterCrop(img,
                    Math.round(Math.min(width, height) / cropFraction), width, height);
            case LETTERBOX -> ImageTensors.letterbox(img, width, height, fill);
        };
        return new Prepared(ImageTensors.toTensor(t.image(), channels, layout, norm), t.image(), t.toOriginal());
    }

    /** A prepared input: the tensor, the image it was made from, and the map from its pixels to the original's. */
    public record Prepared(Tensor tensor, BufferedImage image, PointMap toOriginal) {
    }

    /**
     * This preset adapted to a model input: the size is taken from the input's height and width when they are
     * fixed. IllegalArgumentException (one line, naming the input) when the input cannot take this preset's
     * tensors: not a float tensor, not rank 4, or a different channel count.
     */
    public ImagePreset fitTo(ValueInfo input) {
        String what = "model input '" + input.name() + "' " + input.shapeString();
        if (input.dtype() != null && input.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(what + " is " + input.dtype().displayName()
                    + "; image presets make float32 tensors");
        }
        long[] dims = input.dims();
        if (dims == null) {
            return this;
        }
        if (dims.length != 4) {
            throw new IllegalArgumentException(what + " has rank " + dims.length
                    + "; an image input must have rank 4 (" + (layout == Layout.NCHW ? "[N,C,H,W]" : "[N,H,W,C]")
                    + ")");
        }
        long c = dims[layout.channelAxis()];
        int want = channels.channels();
        if (c >= 0 && c != want) {
            Layout other = layout == Layout.NCHW ? Layout.NHWC : Layout.NCHW;
            String hint = dims[other.channelAxis()] == want ? " (the input looks " + other + ")"
                    : c == 1 ? " (a grey-image model, like those of the mnist preset)" : "";
            throw new IllegalArgumentException(what + " has " + c + " channel(s) on the " + layout
                    + " channel axis but preset '" + name + "' gives " + want + " (" + channels + ")" + hint);
        }
        if (dims[0] > 1) {
            throw new IllegalArgumentException(what + " has a fixed batch of " + dims[0] + "; one image is batch 1");
        }
        long h = dims[layout.heightAxis()];
        long w = dims[layout.widthAxis()];
        return withSize(w > 0 ? (int) w : width, h > 0 ? (int) h : height);
    }
}
