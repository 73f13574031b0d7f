package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Turns the JMH CSV results of {@link WholeModelBenchmark} and {@link SessionOpenBenchmark} into the markdown table
 * of bench/README.md (ONNX Runtime time / vinfer time against the goals) and a PNG bar chart.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.vinfer.bench.wholemodel.ResultsReport RESULTS.csv CHART.png NOTE</pre>
 * (NOTE, e.g. the machine's load during the run, is printed under the chart's title).
 */
public final class ResultsReport {
    /** The goal per model: ONNX Runtime time / vinfer time at least this. */
    static final Map<String, Double> GOALS = new LinkedHashMap<>();

    static {
        GOALS.put("resnet18", 1.5);
        GOALS.put("resnet50", 1.2);
        GOALS.put("mobilenetv2", 1.2);
        GOALS.put("squeezenet11", 1.2);
        GOALS.put("m5audio", 1.2);
        GOALS.put("resnet3d10", 1.5);
    }

    private ResultsReport() {
    }

    /** One JMH result row: benchmark method, its params, score and error in ms. */
    record Row(String benchmark, Map<String, String> params, double score, double error) {
        String param(String name) {
            return params.getOrDefault(name, "");
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ResultsReport RESULTS.csv [CHART.png [NOTE]]");
            System.exit(2);
        }
        List<Row> rows = read(Path.of(args[0]));
        System.out.print(table(rows));
        System.out.print(interleavedTable(rows));
        System.out.print(openTable(rows));
        if (args.length > 1) {
            chart(rows, Path.of(args[1]), args.length > 2 ? args[2] : "");
            System.out.println("\nchart: " + args[1]);
        }
    }

    /** Reads JMH's {@code -rf csv} output (quoted fields, params as "Param: name" columns). */
    static List<Row> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = fields(lines.get(0));
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = fields(line);
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < header.size() && i < f.size(); i++) {
                if (header.get(i).startsWith("Param: ")) {
                    params.put(header.get(i).substring(7), f.get(i));
                }
            }
            String bench = f.get(header.indexOf("Benchmark"));
            double score = Double.parseDouble(f.get(header.indexOf("Score")));
            String err = f.get(header.indexOf("Score Error (99.9%)"));
            rows.add(new Row(bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1), params, score,
                    err.isEmpty() || err.equals("NaN") ? Double.NaN : Double.parseDouble(err)));
        }
        return rows;
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static Row find(List<Row> rows, String bench, String model, String threads, String engine) {
        for (Row r : rows) {
            if (r.benchmark().equals(bench) && r.param("model").equals(model) && r.param("threads").equals(threads)
                    && r.param("engine").equals(engine)) {
                return r;
            }
        }
        return null;
    }

    static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | GMAC | threads | ONNX Runtime ms | vinfer ms | vinfer GFLOP/s | ORT / vinfer | goal | met |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (var g : GOALS.entrySet()) {
            Family family = Family.byId(g.getKey());
            double gmac = family.macs(family.fullInput()) / 1e9;
            for (String t : List.of("1", "2")) {
                Row o = find(rows, "WholeModelBenchmark.run", g.getKey(), t, "ORT");
                Row v = find(rows, "WholeModelBenchmark.run", g.getKey(), t, "VINFER");
                if (o == null && v == null) {
                    continue;
                }
                double ratio = o != null && v != null ? o.score() / v.score() : Double.NaN;
                sb.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %s | %s | %s | %s | >= %.1f | %s |%n",
                        g.getKey(), gmac, t, ms(o), ms(v),
                        v == null ? "-" : String.format(Locale.ROOT, "%.1f", 2 * gmac / (v.score() / 1e3)),
                        Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f", ratio),
                        g.getValue(), Double.isNaN(ratio) ? "-" : met(ratio, g.getValue())));
            }
        }
        return sb.toString();
    }

    /**
     * Mean ms per run of ONNX Runtime and vinfer from {@link InterleavedModelBenchmark}'s counters, or null when
     * the results have none for this model and thread count.
     */
    static double[] interleaved(List<Row> rows, String model, String threads) {
        String b = "InterleavedModelBenchmark.blocks:";
        Row om = find(rows, b + "ortMs", model, threads, "");
        Row on = find(rows, b + "ortRuns", model, threads, "");
        Row vm = find(rows, b + "vinferMs", model, threads, "");
        Row vn = find(rows, b + "vinferRuns", model, threads, "");
        if (om == null || on == null || vm == null || vn == null || on.score() <= 0 || vn.score() <= 0) {
            return null;
        }
        return new double[] {om.score() / on.score(), vm.score() / vn.score()};
    }

    /** The same comparison from {@link InterleavedModelBenchmark} (both engines in one fork), when it ran. */
    static String interleavedTable(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        for (var g : GOALS.entrySet()) {
            for (String t : List.of("1", "2")) {
                double[] ms = interleaved(rows, g.getKey(), t);
                if (ms == null) {
                    continue;
                }
                if (sb.isEmpty()) {
                    sb.append("\nInterleaved (`InterleavedModelBenchmark`: both engines in one fork, blocks of runs "
                            + "alternated):\n\n| model | threads | ONNX Runtime ms | vinfer ms | ORT / vinfer | goal "
                            + "| met |\n|---|---|---|---|---|---|---|\n");
                }
                double ratio = ms[0] / ms[1];
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | >= %.1f | %s |%n", g.getKey(),
                        t, ms[0], ms[1], ratio, g.getValue(), met(ratio, g.getValue())));
            }
        }
        return sb.toString();
    }

    /** "yes", or how far short of the goal a ratio is. */
    private static String met(double ratio, double goal) {
        return ratio >= goal ? "yes" : String.format(Locale.ROOT, "no (%.0f%% short)", 100 * (1 - ratio / goal));
    }

    static String openTable(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        for (String b : List.of("SessionOpenBenchmark.open", "SessionOpenBenchmark.openAndRunOnce")) {
            Row o = find(rows, b, "", "1", "ORT");
            Row v = find(rows, b, "", "1", "VINFER");
            if (o == null && v == null) {
                continue;
            }
            if (sb.isEmpty()) {
                sb.append("\n| ResNet-50 session | ONNX Runtime ms | vinfer ms | ORT / vinfer |\n|---|---|---|---|\n");
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n",
                    b.endsWith("RunOnce") ? "open + first run" : "open", ms(o), ms(v),
                    o != null && v != null ? String.format(Locale.ROOT, "%.2f", o.score() / v.score()) : "-"));
        }
        return sb.toString();
    }

    private static String ms(Row r) {
        if (r == null) {
            return "-";
        }
        return Double.isNaN(r.error()) ? String.format(Locale.ROOT, "%.2f", r.score())
                : String.format(Locale.ROOT, "%.2f ± %.2f", r.score(), r.error());
    }

    /** Grouped bars of ORT / vinfer per model (1 and 2 threads), the parity line and each model's goal. */
    static void chart(List<Row> rows, Path png, String note) throws IOException {
        int w = 900;
        int h = 420;
        int left = 70;
        int bottom = 60;
        int top = 50;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double max = 2.0;
        Map<String, double[]> ratios = new LinkedHashMap<>();
        // the interleaved ratio per model and thread count, NaN where not measured
        Map<String, double[]> inOneFork = new LinkedHashMap<>();
        for (String m : GOALS.keySet()) {
            double[] r = new double[2];
            double[] il = {Double.NaN, Double.NaN};
            for (int t = 0; t < 2; t++) {
                Row o = find(rows, "WholeModelBenchmark.run", m, String.valueOf(t + 1), "ORT");
                Row v = find(rows, "WholeModelBenchmark.run", m, String.valueOf(t + 1), "VINFER");
                r[t] = o != null && v != null ? o.score() / v.score() : Double.NaN;
                if (!Double.isNaN(r[t])) {
                    max = Math.max(max, r[t] * 1.1);
                }
                double[] ms = interleaved(rows, m, String.valueOf(t + 1));
                if (ms != null) {
                    il[t] = ms[0] / ms[1];
                    max = Math.max(max, il[t] * 1.1);
                }
            }
            ratios.put(m, r);
            inOneFork.put(m, il);
        }
        int plotH = h - top - bottom;
        int plotW = w - left - 20;
        final double scale = plotH / max;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.GRAY);
        for (double y = 0; y <= max; y += 0.5) {
            int py = h - bottom - (int) (y * scale);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left, py, w - 20, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.1f", y), left - 35, py + 4);
        }
        int groupW = plotW / ratios.size();
        int barW = groupW / 4;
        Color[] colors = {new Color(66, 133, 244), new Color(52, 168, 83)};
        int i = 0;
        for (var e : ratios.entrySet()) {
            int gx = left + i * groupW + groupW / 2 - barW;
            for (int t = 0; t < 2; t++) {
                double r = e.getValue()[t];
                int bh = Double.isNaN(r) ? 0 : (int) (r * scale);
                if (bh > 0) {
                    g.setColor(colors[t]);
                    g.fillRect(gx + t * barW, h - bottom - bh, barW - 4, bh);
                }
                // the interleaved ratio, when measured: a black diamond on the bar's centre line, the bar's label
                // above whichever is higher
                double il = inOneFork.get(e.getKey())[t];
                int labelAt = bh;
                if (!Double.isNaN(il)) {
                    int cx = gx + t * barW + (barW - 4) / 2;
                    int cy = h - bottom - (int) (il * scale);
                    g.setColor(Color.BLACK);
                    g.fillPolygon(new int[] {cx - 6, cx, cx + 6, cx}, new int[] {cy, cy - 6, cy, cy + 6}, 4);
                    labelAt = Math.max(bh, (int) (il * scale) + 6);
                }
                if (!Double.isNaN(r)) {
                    g.setColor(Color.BLACK);
                    g.drawString(String.format(Locale.ROOT, "%.2f", r), gx + t * barW, h - bottom - labelAt - 4);
                }
            }
            int goalY = h - bottom - (int) (GOALS.get(e.getKey()) * scale);
            g.setColor(new Color(219, 68, 55));
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f},
                    0f));
            g.drawLine(gx - 8, goalY, gx + 2 * barW + 4, goalY);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), gx - 6, h - bottom + 18);
            i++;
        }
        int parity = h - bottom - (int) scale;
        g.setColor(Color.BLACK);
        g.drawLine(left, parity, w - 20, parity);
        g.drawLine(left, h - bottom, w - 20, h - bottom);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("ONNX Runtime time / vinfer time, batch 1 (higher is better for vinfer)", left, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(note, left, 42);
        for (int t = 0; t < 2; t++) {
            g.setColor(colors[t]);
            g.fillRect(left + t * 110, h - 25, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString((t + 1) + " thread" + (t == 0 ? "" : "s"), left + 16 + t * 110, h - 15);
        }
        g.setColor(new Color(219, 68, 55));
        g.drawLine(left + 230, h - 19, left + 255, h - 19);
        g.setColor(Color.BLACK);
        g.drawString("goal", left + 260, h - 15);
        g.drawString("black line: parity (1.0); diamond: interleaved in one fork", left + 310, h - 15);
        g.dispose();
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ImageIO.write(img, "png", png.toFile());
    }
}
