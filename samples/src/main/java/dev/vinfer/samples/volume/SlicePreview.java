package dev.vinfer.samples.volume;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A picture of a segmentation: the three orthogonal middle slices (axial, coronal, sagittal) of the volume in grey,
 * with the labels drawn over them in colour. Slices are oriented from the header's voxel-to-world matrix: superior
 * up, anterior up in the axial view, the subject's right on the image's right (neurological convention), anterior to
 * the right in the sagittal view. Voxels are drawn square.
 */
public final class SlicePreview {
    /** Overlay colours of labels 1, 2, ... (label 0, background, is left clear). */
    private static final Color[] PALETTE = {new Color(40, 130, 255), new Color(255, 120, 30), new Color(60, 200, 80),
        new Color(230, 50, 200), new Color(250, 220, 40), new Color(40, 220, 220), new Color(200, 60, 60)};
    private static final float ALPHA = 0.45f;
    private static final int GAP = 8;
    private static final int TITLE = 18;

    private SlicePreview() {
    }

    /** Renders the three views side by side. */
    public static BufferedImage render(NiftiVolume volume, byte[] labels, String[] classNames) {
        int[] dims = {volume.nx(), volume.ny(), volume.nz()};
        Axes axes = Axes.of(volume.header().voxelToWorld());
        float[] window = window(volume.data());
        // Views: fixed world axis, world axis along image columns (left to right), along rows (top to bottom).
        String[] names = {"axial", "coronal", "sagittal"};
        int[][] views = {{2, 0, 1}, {1, 0, 2}, {0, 1, 2}};
        BufferedImage[] panels = new BufferedImage[3];
        int width = GAP;
        int height = 0;
        for (int v = 0; v < 3; v++) {
            panels[v] = panel(volume.data(), labels, dims, axes, views[v], window);
            width += panels[v].getWidth() + GAP;
            height = Math.max(height, panels[v].getHeight());
        }
        int legend = 22;
        BufferedImage img = new BufferedImage(width, height + TITLE + legend + GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int x = GAP;
        for (int v = 0; v < 3; v++) {
            g.setColor(Color.WHITE);
            int fixed = views[v][0];
            g.drawString(names[v] + " (" + "ijk".charAt(axes.voxelAxis[fixed]) + " = "
                    + dims[axes.voxelAxis[fixed]] / 2 + ")", x, TITLE - 4);
            g.drawImage(panels[v], x, TITLE, null);
            x += panels[v].getWidth() + GAP;
        }
        int lx = GAP;
        int ly = TITLE + height + 6;
        for (int c = 1; c < classNames.length && c <= PALETTE.length; c++) {
            g.setColor(PALETTE[c - 1]);
            g.fillRect(lx, ly, 14, 14);
            g.setColor(Color.WHITE);
            g.drawString(classNames[c], lx + 18, ly + 12);
            lx += 24 + g.getFontMetrics().stringWidth(classNames[c]) + 16;
        }
        g.dispose();
        return img;
    }

    /** Which voxel axis runs along each world axis (x, y, z), and in which direction. */
    record Axes(int[] voxelAxis, int[] sign) {
        static Axes of(double[][] m) {
            int[] voxelAxis = new int[3];
            int[] sign = new int[3];
            boolean[] used = new boolean[3];
            for (int w = 0; w < 3; w++) {
                int best = -1;
                for (int a = 0; a < 3; a++) {
                    if (!used[a] && (best < 0 || Math.abs(m[w][a]) > Math.abs(m[w][best]))) {
                        best = a;
                    }
                }
                used[best] = true;
                voxelAxis[w] = best;
                sign[w] = m[w][best] < 0 ? -1 : 1;
            }
            return new Axes(voxelAxis, sign);
        }
    }

    private static BufferedImage panel(float[] data, byte[] labels, int[] dims, Axes axes, int[] view,
            float[] window) {
        int fixedAxis = axes.voxelAxis[view[0]];
        int colAxis = axes.voxelAxis[view[1]];
        int rowAxis = axes.voxelAxis[view[2]];
        int w = dims[colAxis];
        int h = dims[rowAxis];
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] ijk = new int[3];
        ijk[fixedAxis] = dims[fixedAxis] / 2;
        for (int r = 0; r < h; r++) {
            // Rows go from the top of the head (largest world coordinate) down.
            ijk[rowAxis] = axes.sign[view[2]] > 0 ? h - 1 - r : r;
            for (int c = 0; c < w; c++) {
                ijk[colAxis] = axes.sign[view[1]] > 0 ? c : w - 1 - c;
                int i = ijk[0] + dims[0] * (ijk[1] + dims[1] * ijk[2]);
                float grey = Math.clamp((data[i] - window[0]) / (window[1] - window[0]), 0f, 1f) * 255f;
                float red = grey;
                float green = grey;
                float blue = grey;
                int label = labels[i] & 0xFF;
                if (label > 0) {
                    Color col = PALETTE[(label - 1) % PALETTE.length];
                    red = (1 - ALPHA) * grey + ALPHA * col.getRed();
                    green = (1 - ALPHA) * grey + ALPHA * col.getGreen();
                    blue = (1 - ALPHA) * grey + ALPHA * col.getBlue();
                }
                img.setRGB(c, r, (Math.round(red) << 16) | (Math.round(green) << 8) | Math.round(blue));
            }
        }
        return img;
    }

    /** Grey window: the minimum to the 99.5th percentile, so a few bright voxels do not darken the picture. */
    static float[] window(float[] data) {
        float[] mm = VolumeSegmenter.minMax(data);
        if (mm[1] <= mm[0]) {
            return new float[] {mm[0], mm[0] + 1};
        }
        int bins = 4096;
        long[] hist = new long[bins];
        float scale = (bins - 1) / (mm[1] - mm[0]);
        for (float v : data) {
            hist[(int) ((v - mm[0]) * scale)]++;
        }
        long target = (long) (data.length * 0.995);
        long seen = 0;
        int b = 0;
        while (b < bins - 1 && seen + hist[b] < target) {
            seen += hist[b++];
        }
        float hi = mm[0] + (b + 1) / scale;
        return new float[] {mm[0], Math.max(hi, mm[0] + 1e-6f)};
    }
}
