package dev.vinfer.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The picture of {@code vinfer profile}: one horizontal bar per node (the slowest 30, then the rest summed), length
 * = mean time, colored by op type, labeled with name, op, algorithm and share. Plain Java2D, headless.
 */
final class ProfileChart {
    private static final int BARS = 30;
    private static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759),
        new Color(0x76B7B2), new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7),
        new Color(0x9C755F), new Color(0xBAB0AC)};

    private ProfileChart() {
    }

    static void write(Path file, String title, List<ProfileCommand.Row> sorted, int runs, long wallNanos)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        long total = 0;
        for (ProfileCommand.Row r : sorted) {
            total += r.nanos;
        }
        List<String> labels = new ArrayList<>();
        List<Double> ms = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        long rest = 0;
        for (int i = 0; i < sorted.size(); i++) {
            ProfileCommand.Row r = sorted.get(i);
            if (i < BARS) {
                String alg = r.algorithm.isEmpty() ? "" : " [" + r.algorithm + "]";
                labels.add(r.node.op().opType() + alg + "  " + r.node.name());
                ms.add(r.nanos / 1e6 / runs);
                kinds.add(r.node.op().opType());
            } else {
                rest += r.nanos;
            }
        }
        if (rest > 0) {
            labels.add("(" + (sorted.size() - BARS) + " more nodes)");
            ms.add(rest / 1e6 / runs);
            kinds.add("(rest)");
        }
        Map<String, Color> colors = new LinkedHashMap<>();
        for (String k : kinds) {
            colors.computeIfAbsent(k, x -> x.equals("(rest)") ? Color.GRAY : PALETTE[colors.size() % PALETTE.length]);
        }
        int rowH = 22;
        int labelW = 380;
        int barW = 560;
        int top = 70;
        int width = labelW + barW + 120;
        int height = top + rowH * labels.size() + 40;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Where the time goes: " + title, 12, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format("mean of %d runs: %.2f ms per run, %.2f ms in nodes; bars: mean ms per node",
                runs, wallNanos / 1e6 / runs, total / 1e6 / runs), 12, 44);
        double max = 0;
        for (double v : ms) {
            max = Math.max(max, v);
        }
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < labels.size(); i++) {
            int y = top + i * rowH;
            String label = labels.get(i);
            while (fm.stringWidth(label) > labelW - 16 && label.length() > 4) {
                label = label.substring(0, label.length() - 2);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawString(label, 12, y + 15);
            int w = max <= 0 ? 0 : (int) Math.round(ms.get(i) / max * barW);
            g.setColor(colors.get(kinds.get(i)));
            g.fillRect(labelW, y + 3, Math.max(1, w), rowH - 6);
            g.setColor(Color.BLACK);
            double share = total <= 0 ? 0 : 100 * ms.get(i) * runs * 1e6 / total;
            g.drawString(String.format("%.3f ms  %.1f%%", ms.get(i), share), labelW + w + 6, y + 15);
        }
        g.setColor(Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawLine(labelW, top - 4, labelW, top + rowH * labels.size());
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
