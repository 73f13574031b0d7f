package dev.vinfer.cli;

import dev.vinfer.samples.vision.ChannelOrder;
import dev.vinfer.samples.vision.ImagePreset;
import dev.vinfer.samples.vision.Layout;
import dev.vinfer.samples.vision.Normalization;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The pre-processing options: a named preset and overrides of its fields. */
final class PresetOptions {
    @Option(names = "--preset", paramLabel = "NAME",
            description = "imagenet, inception, caffe, mnist, ultraface, facemesh or yolo.")
    String preset;

    @Option(names = "--size", paramLabel = "S|WxH",
            description = "Input size when the model's is not fixed (a fixed one is always used).")
    String size;

    @Option(names = "--mean", paramLabel = "M[,M,M]", description = "Per-channel mean, subtracted after --scale.")
    String mean;

    @Option(names = "--std", paramLabel = "S[,S,S]", description = "Per-channel std, divided last.")
    String std;

    @Option(names = "--scale", paramLabel = "F", description = "Pixel (0..255) multiplier, applied first.")
    Float scale;

    @Option(names = "--bgr", description = "Feed channels in BGR order.")
    boolean bgr;

    @Option(names = "--layout", paramLabel = "nchw|nhwc", description = "Tensor layout.")
    String layout;

    /** The named preset (or {@code defaultName}) with the given overrides. */
    ImagePreset preset(String defaultName) {
        ImagePreset p = ImagePreset.named(preset == null ? defaultName : preset);
        if (size != null) {
            int[] wh = parseSize(size);
            p = p.withSize(wh[0], wh[1]);
        }
        Normalization n = p.norm();
        if (scale != null) {
            n = n.withScale(scale);
        }
        if (mean != null) {
            n = n.withMean(parseFloats("--mean", mean));
        }
        if (std != null) {
            n = n.withStd(parseFloats("--std", std));
        }
        p = p.withNormalization(n);
        if (bgr) {
            if (p.channels() == ChannelOrder.GREY) {
                throw new Main.UserError("--bgr does not apply to the grey preset '" + p.name() + "'");
            }
            p = p.withChannels(ChannelOrder.BGR);
        }
        if (layout != null) {
            p = p.withLayout(parseLayout(layout));
        }
        return p;
    }

    /** --size must agree with a model whose size is fixed. */
    void checkSize(ImagePreset fitted) {
        if (size != null) {
            int[] wh = parseSize(size);
            if (wh[0] != fitted.width() || wh[1] != fitted.height()) {
                throw new Main.UserError("--size " + size + " but the model's input is fixed at " + fitted.width()
                        + "x" + fitted.height());
            }
        }
    }

    static int[] parseSize(String s) {
        try {
            String[] parts = s.toLowerCase(Locale.ROOT).split("x");
            int w = Integer.parseInt(parts[0].strip());
            int h = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : w;
            if (parts.length > 2 || w < 1 || h < 1) {
                throw new NumberFormatException();
            }
            return new int[] {w, h};
        } catch (NumberFormatException e) {
            throw new Main.UserError("--size takes S or WxH with positive integers, got '" + s + "'");
        }
    }

    static float[] parseFloats(String option, String s) {
        String[] parts = s.split(",");
        float[] v = new float[parts.length];
        try {
            for (int i = 0; i < v.length; i++) {
                v[i] = Float.parseFloat(parts[i].strip());
            }
        } catch (NumberFormatException e) {
            throw new Main.UserError(option + " takes 1 or 3 comma-separated numbers, got '" + s + "'");
        }
        return v;
    }

    static Layout parseLayout(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "nchw" -> Layout.NCHW;
            case "nhwc" -> Layout.NHWC;
            default -> throw new Main.UserError("--layout takes nchw or nhwc, got '" + s + "'");
        };
    }
}
