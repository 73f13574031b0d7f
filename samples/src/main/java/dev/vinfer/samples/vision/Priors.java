package dev.vinfer.samples.vision;

import java.util.Arrays;

/**
 * Anchor ("prior") boxes of an SSD-style detector and the decoding of its raw box outputs.
 *
 * <p>Such a detector predicts, for every prior {@code (pcx, pcy, pw, ph)} (normalized center and size), four
 * offsets {@code (dx, dy, dw, dh)} in the center-variance form:
 * {@code cx = pcx + dx * centerVariance * pw}, {@code cy = pcy + dy * centerVariance * ph},
 * {@code w = pw * exp(dw * sizeVariance)}, {@code h = ph * exp(dh * sizeVariance)}. Typical variances are 0.1 and
 * 0.2. Some exported models (the UltraFace ONNX files among them) already do this in the graph and output corner
 * boxes; for those that output the raw offsets, generate the priors with {@link #grid} and {@link #decode} them.
 */
public final class Priors {
    private final float[] data; // cx, cy, w, h per prior, normalized to [0, 1]

    private Priors(float[] data) {
        this.data = data;
    }

    /** Priors given as {@code [cx, cy, w, h]} rows, normalized. */
    public static Priors of(float[] centerSizeRows) {
        if (centerSizeRows.length % 4 != 0) {
            throw new IllegalArgumentException("priors need 4 values each, got " + centerSizeRows.length);
        }
        return new Priors(centerSizeRows.clone());
    }

    /**
     * The SSD grid: for each feature map (one per stride), cells row by row, and in each cell one square prior per
     * size in {@code sizes[level]} (in input pixels). Cell {@code (i, j)} of a {@code fw x fh} map
     * ({@code fw = ceil(width / stride)}) has its center at {@code ((i + 0.5) / fw, (j + 0.5) / fh)}.
     *
     * @param clip clamp centers and sizes to [0, 1], as most SSD variants do
     */
    public static Priors grid(int width, int height, int[] strides, float[][] sizes, boolean clip) {
        if (strides.length != sizes.length) {
            throw new IllegalArgumentException("one size list per stride: " + strides.length + " strides, "
                    + sizes.length + " size lists");
        }
        int count = 0;
        for (int level = 0; level < strides.length; level++) {
            count += cells(width, strides[level]) * cells(height, strides[level]) * sizes[level].length;
        }
        float[] d = new float[count * 4];
        int p = 0;
        for (int level = 0; level < strides.length; level++) {
            int fw = cells(width, strides[level]);
            int fh = cells(height, strides[level]);
            for (int j = 0; j < fh; j++) {
                for (int i = 0; i < fw; i++) {
                    for (float size : sizes[level]) {
                        d[p++] = (i + 0.5f) / fw;
                        d[p++] = (j + 0.5f) / fh;
                        d[p++] = size / width;
                        d[p++] = size / height;
                    }
                }
            }
        }
        if (clip) {
            for (int i = 0; i < d.length; i++) {
                d[i] = Math.max(0, Math.min(1, d[i]));
            }
        }
        return new Priors(d);
    }

    private static int cells(int extent, int stride) {
        return (extent + stride - 1) / stride;
    }

    /**
     * The priors of the UltraFace "slim"/"RFB" face detectors: strides 8, 16, 32, 64 with square sizes
     * {10, 16, 24}, {32, 48}, {64, 96}, {128, 192, 256}, clipped. 4420 priors at 320x240, 17640 at 640x480.
     */
    public static Priors ultraface(int width, int height) {
        return grid(width, height, new int[] {8, 16, 32, 64},
                new float[][] {{10, 16, 24}, {32, 48}, {64, 96}, {128, 192, 256}}, true);
    }

    /** The number of priors, i.e. of boxes the detector predicts. */
    public int count() {
        return data.length / 4;
    }

    /** Prior {@code i} as {@code [cx, cy, w, h]}. */
    public float[] get(int i) {
        return Arrays.copyOfRange(data, i * 4, i * 4 + 4);
    }

    /** Decodes the offsets of prior {@code i} into a normalized corner box. */
    public Box decode(int i, float dx, float dy, float dw, float dh, float centerVariance, float sizeVariance) {
        float pcx = data[i * 4];
        float pcy = data[i * 4 + 1];
        float pw = data[i * 4 + 2];
        float ph = data[i * 4 + 3];
        float cx = pcx + dx * centerVariance * pw;
        float cy = pcy + dy * centerVariance * ph;
        float w = pw * (float) Math.exp(dw * sizeVariance);
        float h = ph * (float) Math.exp(dh * sizeVariance);
        return Box.ofCenter(cx, cy, w, h);
    }

    /** Decodes all priors from {@code offsets}: {@code count() * 4} values from {@code start}, dx dy dw dh each. */
    public Box[] decodeAll(float[] offsets, int start, float centerVariance, float sizeVariance) {
        if (offsets.length - start < data.length) {
            throw new IllegalArgumentException("need " + data.length + " offsets for " + count() + " priors, got "
                    + (offsets.length - start));
        }
        Box[] boxes = new Box[count()];
        for (int i = 0; i < boxes.length; i++) {
            int o = start + i * 4;
            boxes[i] = decode(i, offsets[o], offsets[o + 1], offsets[o + 2], offsets[o + 3], centerVariance,
                    sizeVariance);
        }
        return boxes;
    }

    /** The offsets that {@link #decode} turns into {@code box} for prior {@code i} (the training-time encoding). */
    public float[] encode(int i, Box box, float centerVariance, float sizeVariance) {
        float pcx = data[i * 4];
        float pcy = data[i * 4 + 1];
        float pw = data[i * 4 + 2];
        float ph = data[i * 4 + 3];
        return new float[] {(box.centerX() - pcx) / (centerVariance * pw),
            (box.centerY() - pcy) / (centerVariance * ph), (float) Math.log(box.width() / pw) / sizeVariance,
            (float) Math.log(box.height() / ph) / sizeVariance};
    }
}
