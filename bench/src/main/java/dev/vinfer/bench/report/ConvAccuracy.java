package dev.vinfer.bench.report;

import dev.vinfer.bench.conv.ConvLayer;
import dev.vinfer.bench.conv.ConvModels;
import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.ConvReference;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The measured error of every algorithm on the benchmark layers (same seeded weights, bias and input as
 * {@code ConvLayerBench}): relative L2 error {@code ||y - y_ref|| / ||y_ref||} and the largest error relative to
 * max |y_ref|, against {@link ConvReference} (double accumulation), and that largest error as a fraction of the
 * algorithm's declared bound ({@link ConvAlgorithm#errorBound}). Writes the table into the marked section of
 * bench/README.md when given its path.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.vinfer.bench.report.ConvAccuracy \
 *     bench/README.md
 * </pre>
 */
public final class ConvAccuracy {
    static final String BEGIN = "<!-- conv-accuracy:begin -->";
    static final String END = "<!-- conv-accuracy:end -->";

    private ConvAccuracy() {
    }

    public static void main(String[] args) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("| layer | algorithm | relative L2 error | max error / max abs output | share of declared bound |\n"
                + "|---|---|---|---|---|\n");
        for (ConvLayer l : ConvLayer.values()) {
            ConvGeometry g = l.geometry();
            float[] w = ConvModels.weights(g, 1);
            float[] bias = ConvModels.random(2, g.outChannels());
            float[] x = ConvModels.random(3, g.inputLength());
            float[] ref = new float[g.outputLength()];
            double[] refD = referenceDouble(g, x, w, bias, ref);
            for (ConvAlgorithm a : ConvAlgorithm.values()) {
                if (a == ConvAlgorithm.AUTO || a == ConvAlgorithm.GEMM_COL2IM || a == ConvAlgorithm.DIRECT
                        || !a.supports(g)) {
                    continue;
                }
                ConvKernel k = Convolutions.prepare(g, w, 0, bias, Epilogue.NONE, a);
                float[] y = new float[g.outputLength()];
                k.run(x, 0, y, 0, Parallel.SERIAL);
                double num = 0;
                double den = 0;
                double maxErr = 0;
                double maxRef = 0;
                for (int i = 0; i < y.length; i++) {
                    double d = y[i] - refD[i];
                    num += d * d;
                    den += refD[i] * refD[i];
                    maxErr = Math.max(maxErr, Math.abs(d));
                    maxRef = Math.max(maxRef, Math.abs(refD[i]));
                }
                double rel = maxErr / maxRef;
                String line = String.format(Locale.ROOT, "| %s | %s | %.2e | %.2e | %.1f%% |", l.title(),
                        a.name().toLowerCase(Locale.ROOT), Math.sqrt(num / den), rel,
                        rel / a.errorBound(g) * 100);
                System.out.println(line);
                b.append(line).append('\n');
            }
        }
        if (args.length > 0) {
            Path readme = Path.of(args[0]);
            String text = Files.readString(readme);
            int a = text.indexOf(BEGIN);
            int e = text.indexOf(END);
            if (a >= 0 && e > a) {
                Files.writeString(readme, text.substring(0, a + BEGIN.length()) + "\n" + b + text.substring(e));
                System.out.println("updated " + readme);
            }
        }
    }

    /**
     * {@link ConvReference} accumulates in double and rounds once to float; that rounding (at most 6e-8 relative per
     * value) is the floor of what this table can resolve, well below the errors it reports.
     */
    private static double[] referenceDouble(ConvGeometry g, float[] x, float[] w, float[] bias, float[] ref) {
        ConvReference.conv(g, x, 0, w, 0, bias, Epilogue.NONE, ref, 0);
        double[] out = new double[ref.length];
        for (int i = 0; i < ref.length; i++) {
            out[i] = ref[i];
        }
        return out;
    }
}
