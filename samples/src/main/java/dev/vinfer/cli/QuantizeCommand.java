package dev.vinfer.cli;

import dev.vinfer.Vinfer;
import dev.vinfer.quantization.Quantizer;
import dev.vinfer.quantization.calib.CalibrationMethod;
import dev.vinfer.quantization.calib.QuantizationReport;
import dev.vinfer.quantization.calib.QuantizerOptions;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import dev.vinfer.samples.vision.ImagePreset;
import dev.vinfer.samples.vision.ImageTensors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vinfer quantize}: static post-training quantization of a float model to a QDQ int8 model. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize a float model to int8 (QDQ form) with calibration data; prints what was quantized, "
                + "the weight size before/after and the output error against the float model.")
final class QuantizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Option(names = "--calibration", required = true, paramLabel = "DIR",
            description = "Images (with --preset), input .pb/.npy files (single-input models), or "
                    + "test_data_set_* folders of input_<i>.pb files.")
    Path calibration;

    @Option(names = "--out", required = true, paramLabel = "MODEL-int8.onnx")
    Path out;

    @Option(names = "--per-channel", description = "One weight scale per output channel (opset 13+).")
    boolean perChannel;

    @Option(names = "--method", defaultValue = "minmax",
            description = "Range calibration: minmax, percentile or entropy (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--percentile", defaultValue = "99.999", description = "For --method percentile.")
    double percentile;

    @Option(names = "--exclude", arity = "1..*", paramLabel = "NODE", description = "Nodes to leave in float.")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--preset", defaultValue = "imagenet",
            description = "Image pre-processing preset of the vision toolkit (imagenet, inception, caffe, mnist, "
                    + "...; default ${DEFAULT-VALUE}), sized to the model input.")
    String preset;

    @Option(names = "--limit", description = "Use at most this many calibration inputs.")
    Integer limit;

    @Override
    public Integer call() throws Exception {
        QuantizerOptions opts = new QuantizerOptions().perChannel(perChannel).method(CalibrationMethod.parse(method))
                .percentile(percentile).exclude(exclude.toArray(String[]::new));
        if (!Files.isDirectory(calibration)) {
            throw new Main.UserError("calibration folder not found: " + calibration);
        }
        List<ValueInfo> inputs;
        try (Session s = Vinfer.open(model, new SessionOptions().optimize(false).threads(1))) {
            inputs = s.inputs();
        }
        List<Map<String, Tensor>> data = load(inputs);
        if (data.isEmpty()) {
            throw new Main.UserError("no calibration inputs in " + calibration
                    + " (expected images, .pb/.npy files or test_data_set_* folders)");
        }
        System.out.printf(Locale.ROOT, "calibrating on %d inputs (%s)%n", data.size(), opts.method()
                .name().toLowerCase(Locale.ROOT));
        int runs = Quantizer.calibrationRuns(opts, data.size());
        boolean terminal = System.console() != null && System.console().isTerminal();
        ProgressBar bar = new ProgressBar(System.out, runs, terminal);
        QuantizationReport r = Quantizer.quantize(model, data, opts, out, bar::update);
        bar.finish();
        System.out.print(r.summary());
        System.out.printf("wrote %s (%.2f MB; float model %.2f MB)%n", out, Files.size(out) / 1e6,
                Files.size(model) / 1e6);
        return 0;
    }

    private List<Map<String, Tensor>> load(List<ValueInfo> inputs) throws IOException {
        List<Map<String, Tensor>> data = new ArrayList<>();
        List<Path> entries;
        try (Stream<Path> s = Files.list(calibration)) {
            entries = s.sorted().toList();
        }
        for (Path p : entries) {
            if (limit != null && data.size() >= limit) {
                break;
            }
            String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
            if (Files.isDirectory(p) && name.startsWith("test_data_set")) {
                Map<String, Tensor> feed = new java.util.LinkedHashMap<>();
                for (int i = 0; i < inputs.size(); i++) {
                    Path f = p.resolve("input_" + i + ".pb");
                    if (!Files.exists(f)) {
                        throw new Main.UserError(p + " lacks input_" + i + ".pb for input '" + inputs.get(i).name()
                                + "'");
                    }
                    feed.put(inputs.get(i).name(), TensorFiles.read(f));
                }
                data.add(feed);
            } else if (name.endsWith(".pb") || name.endsWith(".npy")) {
                requireSingleInput(inputs);
                data.add(Map.of(inputs.get(0).name(), TensorFiles.read(p)));
            } else if (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg")
                    || name.endsWith(".bmp") || name.endsWith(".gif")) {
                requireSingleInput(inputs);
                data.add(Map.of(inputs.get(0).name(), image(p, inputs.get(0))));
            }
        }
        return data;
    }

    private static void requireSingleInput(List<ValueInfo> inputs) {
        if (inputs.size() != 1) {
            throw new Main.UserError("image and single-file calibration data need a model with one input; this one "
                    + "has " + inputs.size() + " (use test_data_set_* folders)");
        }
    }

    private Tensor image(Path file, ValueInfo info) throws IOException {
        return ImagePreset.named(preset).fitTo(info).prepare(ImageTensors.load(file)).tensor();
    }

    /** A one-line progress bar redrawn in place, shown only on a terminal. */
    static final class ProgressBar {
        private final PrintStream out;
        private final int total;
        private final boolean enabled;
        private final long start = System.nanoTime();

        ProgressBar(PrintStream out, int total, boolean enabled) {
            this.out = out;
            this.total = Math.max(1, total);
            this.enabled = enabled;
        }

        void update(int done) {
            if (!enabled) {
                return;
            }
            int width = 30;
            int filled = (int) ((long) width * done / total);
            double secs = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "\r[%s%s] %d/%d runs, %.1f s", "#".repeat(filled), " ".repeat(width - filled),
                    done, total, secs);
            out.flush();
        }

        void finish() {
            if (enabled) {
                out.println();
            }
        }
    }
}
