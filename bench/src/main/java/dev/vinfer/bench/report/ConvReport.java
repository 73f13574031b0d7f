package dev.vinfer.bench.report;

import dev.vinfer.bench.conv.ConvLayer;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import jdk.incubator.vector.FloatVector;

/**
 * Turns a JMH result file of {@code ConvLayerBench}, {@code SgemmBench} and {@code PeakFlops} into the tables of
 * issue 3 (ms, GFLOP/s, % of peak, ONNX Runtime / vinfer) and a PNG chart of the ratio per layer, and writes them
 * into the marked section of bench/README.md.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.vinfer.bench.report.ConvReport \
 *     results.json[,more.json] bench/README.md "load note"
 * </pre>
 *
 * Every time is the median of the measured iterations (robust to the odd iteration slowed by other processes on a
 * shared machine); JMH's own mean and error are in the JSON. Peak: the {@link dev.vinfer.bench.conv.PeakFlops}
 * FMA loop of the same run, {@code 2 * lanes} flops per vector FMA; the peak at t threads is t times it.
 */
public final class ConvReport {
    static final String BEGIN = "<!-- conv-results:begin -->";
    static final String END = "<!-- conv-results:end -->";

    private ConvReport() {
    }

    record Key(String layer, int threads, String algo, String engine) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ConvReport RESULTS.json README.md [load note]");
            System.exit(2);
        }
        Path readme = Path.of(args[1]);
        String note = args.length > 2 ? args[2] : "";
        List<Object> runs = new ArrayList<>();
        for (String f : args[0].split(",")) {
            if (Files.exists(Path.of(f))) {
                runs.addAll((List<?>) MiniJson.parse(Files.readString(Path.of(f))));
            }
        }
        Map<Key, Double> conv = new LinkedHashMap<>();
        Map<Integer, Double> sgemm = new TreeMap<>();
        double peakNsPerFma = Double.NaN;
        for (Object o : runs) {
            Map<?, ?> run = (Map<?, ?>) o;
            String bench = (String) run.get("benchmark");
            Map<?, ?> params = run.get("params") instanceof Map<?, ?> p ? p : Map.of();
            Map<?, ?> metric = (Map<?, ?>) run.get("primaryMetric");
            double median = median(metric);
            if (bench.contains("ConvLayerBench.")) {
                // The engine is the "runtime" parameter (older result files: the method name, vinfer or ort).
                String engine = params.get("runtime") instanceof String r ? r
                        : bench.substring(bench.lastIndexOf('.') + 1);
                conv.put(new Key((String) params.get("layer"), Integer.parseInt((String) params.get("threads")),
                        (String) params.get("algo"), engine), median);
            } else if (bench.endsWith("SgemmBench.sgemm")) {
                sgemm.put(Integer.parseInt((String) params.get("n")), median);
            } else if (bench.endsWith("PeakFlops.fmaLoop")) {
                // The peak is a property of the machine: the best iteration is its closest estimate under load.
                peakNsPerFma = best(metric);
            }
        }
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        double peak = 2.0 * lanes / peakNsPerFma; // GFLOP/s on one core
        String md = markdown(conv, sgemm, peak, lanes, peakNsPerFma, note);
        Path chart = readme.resolveSibling("conv-ratio.png");
        chart(conv, chart);
        System.out.println(md);
        if (Files.exists(readme)) {
            String text = Files.readString(readme);
            int a = text.indexOf(BEGIN);
            int b = text.indexOf(END);
            if (a >= 0 && b > a) {
                text = text.substring(0, a + BEGIN.length()) + "\n" + md + "\n" + text.substring(b);
                Files.writeString(readme, text);
                System.out.println("updated " + readme + " and " + chart);
            }
        }
    }

    /** Median of every measured iteration of every fork, in the benchmark's unit. */
    static double median(Map<?, ?> metric) {
        List<Double> all = new ArrayList<>();
        for (Object fork : (List<?>) metric.get("rawData")) {
            for (Object v : (List<?>) fork) {
                all.add((Double) v);
            }
        }
        if (all.isEmpty()) {
            return (Double) metric.get("score");
        }
        double[] a = all.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** The fastest measured iteration. */
    static double best(Map<?, ?> metric) {
        double b = Double.POSITIVE_INFINITY;
        for (Object fork : (List<?>) metric.get("rawData")) {
            for (Object v : (List<?>) fork) {
                b = Math.min(b, (Double) v);
            }
        }
        return Double.isInfinite(b) ? (Double) metric.get("score") : b;
    }

    static String markdown(Map<Key, Double> conv, Map<Integer, Double> sgemm, double peak, int lanes, double ns,
            String note) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Machine peak (one core): **%.1f GFLOP/s**, measured by `PeakFlops` in the "
                + "same run (best iteration: %.4f ns per %d-lane vector FMA, 2 flops per lane). %s%n%n", peak, ns, lanes, note));
        b.append("| layer | threads | vinfer ms | vinfer GFLOP/s | % of peak | algorithm | ORT ms | ORT GFLOP/s | "
                + "ORT / vinfer | goal | met |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ConvLayer l : ConvLayer.values()) {
            for (int t : new int[] {1, 2}) {
                Double v = conv.get(new Key(l.name(), t, "auto", "vinfer"));
                Double o = conv.get(new Key(l.name(), t, "auto", "ort"));
                if (v == null && o == null) {
                    continue;
                }
                double gv = v == null ? Double.NaN : l.flops() / v / 1e6;
                double go = o == null ? Double.NaN : l.flops() / o / 1e6;
                double ratio = v == null || o == null ? Double.NaN : o / v;
                b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %.1f | %s |%n",
                        l.title(), t, num(v, 3), num(gv, 1), num(gv / (peak * t) * 100, 0) + "%",
                        AlgorithmNames.auto(l), num(o, 3), num(go, 1), num(ratio, 2), l.goal(),
                        Double.isNaN(ratio) ? "?" : ratio >= l.goal() ? "yes" : "no"));
            }
        }
        // Forced algorithms, if the run swept them.
        List<String> algos = conv.keySet().stream().map(Key::algo).filter(a -> !a.equals("auto")).distinct()
                .sorted().toList();
        if (!algos.isEmpty()) {
            b.append("\nForced algorithms (vinfer ms; - = not run or not applicable):\n\n| layer | threads | ");
            b.append(String.join(" | ", algos)).append(" |\n|---|---|").append("---|".repeat(algos.size()))
                    .append('\n');
            for (ConvLayer l : ConvLayer.values()) {
                for (int t : new int[] {1, 2}) {
                    StringBuilder row = new StringBuilder();
                    boolean any = false;
                    for (String a : algos) {
                        // A forced algorithm that does not apply falls back to AUTO: not its time, so not shown.
                        Double v = dev.vinfer.conv.ConvAlgorithm.parse(a).supports(l.geometry())
                                ? conv.get(new Key(l.name(), t, a, "vinfer")) : null;
                        any |= v != null;
                        row.append(" | ").append(v == null ? "-" : num(v, 3));
                    }
                    if (any) {
                        b.append("| ").append(l.title()).append(" | ").append(t).append(row).append(" |\n");
                    }
                }
            }
        }
        if (!sgemm.isEmpty()) {
            b.append("\nSGEMM, one thread, C = A x B (n x n, row-major, packing included):\n\n"
                    + "| n | ms | GFLOP/s | % of peak |\n|---|---|---|---|\n");
            for (var e : sgemm.entrySet()) {
                double n = e.getKey();
                double gf = 2 * n * n * n / e.getValue() / 1e6;
                b.append(String.format(Locale.ROOT, "| %d | %.3f | %.1f | %.0f%% |%n", e.getKey(), e.getValue(), gf,
                        gf / peak * 100));
            }
        }
        b.append("\n![ONNX Runtime time / vinfer time per layer](conv-ratio.png)\n");
        return b.toString();
    }

    private static String num(Double v, int digits) {
        return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    /** Grouped bars: ORT time / vinfer time per layer at 1 and 2 threads, the goal as a tick, 1.0 as a line. */
    static void chart(Map<Key, Double> conv, Path file) throws IOException {
        ConvLayer[] layers = ConvLayer.values();
        int w = 1250;
        int h = 540;
        int left = 70;
        int bottom = 170;
        int top = 50;
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double max = 2.0;
        for (var e : conv.entrySet()) {
            Key k = e.getKey();
            Double o = conv.get(new Key(k.layer(), k.threads(), "auto", "ort"));
            if (k.engine().equals("vinfer") && k.algo().equals("auto") && o != null) {
                max = Math.max(max, o / e.getValue());
            }
        }
        max = Math.ceil(max * 2) / 2;
        int plotH = h - top - bottom;
        int plotW = w - left - 170; // room on the right for the last rotated label
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("ONNX Runtime time / vinfer time per layer (higher is better; tick = goal)", left, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double y = 0; y <= max + 1e-9; y += 0.5) {
            int py = top + plotH - (int) (y / max * plotH);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(left, py, left + plotW, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.1f", y), left - 30, py + 4);
        }
        int one = top + plotH - (int) (1.0 / max * plotH);
        g.setColor(Color.RED);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(left, one, left + plotW, one);
        int slot = plotW / layers.length;
        Color[] colors = {new Color(52, 101, 164), new Color(115, 210, 22)};
        for (int i = 0; i < layers.length; i++) {
            ConvLayer l = layers[i];
            int x0 = left + i * slot + slot / 6;
            int bw = slot / 3;
            for (int t = 1; t <= 2; t++) {
                Double v = conv.get(new Key(l.name(), t, "auto", "vinfer"));
                Double o = conv.get(new Key(l.name(), t, "auto", "ort"));
                if (v == null || o == null) {
                    continue;
                }
                double r = o / v;
                int bh = (int) (r / max * plotH);
                int bx = x0 + (t - 1) * bw;
                g.setColor(colors[t - 1]);
                g.fillRect(bx, top + plotH - bh, bw - 2, bh);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.2f", r), bx, top + plotH - bh - 3);
            }
            int gy = top + plotH - (int) (l.goal() / max * plotH);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2.5f));
            g.drawLine(x0 - 3, gy, x0 + 2 * bw + 1, gy);
            g.setStroke(new BasicStroke(1f));
            // Label, rotated.
            Graphics2D r = (Graphics2D) g.create();
            r.translate(x0 + bw / 2, top + plotH + 8);
            r.rotate(Math.toRadians(35));
            r.drawString(l.title(), 0, 0);
            r.dispose();
        }
        g.setColor(colors[0]);
        g.fillRect(w - 200, 40, 12, 12);
        g.setColor(colors[1]);
        g.fillRect(w - 200, 58, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString("1 thread", w - 182, 50);
        g.drawString("2 threads", w - 182, 68);
        g.setColor(Color.RED);
        g.drawString("red line: parity (1.0)", w - 200, 86);
        g.dispose();
        ImageIO.write(im, "png", file.toFile());
    }
}
