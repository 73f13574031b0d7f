package dev.vinfer.conv.bench;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.ConvTransposeGeometry;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.Parallel;
import java.util.Random;

/**
 * An informal probe (not a test): GFLOP/s of a few typical layers on one thread. Run like {@link SgemmThroughput}.
 */
public final class ConvThroughput {
    public static void main(String[] args) {
        ConvGeometry[] layers = {
            ConvGeometry.builder().channels(64, 64).input(56, 56).kernel(3, 3).padsOnnx(1, 1, 1, 1).build(),
            ConvGeometry.builder().channels(3, 64).input(224, 224).kernel(7, 7).strides(2, 2).padsOnnx(3, 3, 3, 3)
                    .build(),
            ConvGeometry.builder().channels(256, 512).input(28, 28).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(128, 256).input(28, 28).kernel(1, 1).build(),
            ConvGeometry.builder().channels(144, 144).group(144).input(56, 56).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(64, 64).input(4096).kernel(5).padsOnnx(2, 2).build(),
            ConvGeometry.builder().channels(32, 32).input(16, 28, 28).kernel(3, 3, 3).padsOnnx(1, 1, 1, 1, 1, 1)
                    .build(),
        };
        Random r = new Random(1);
        for (ConvGeometry g : layers) {
            float[] w = random(r, g.weightLength());
            float[] in = random(r, g.inputLength());
            float[] out = new float[g.outputLength()];
            ConvKernel k = Convolutions.prepare(g, w, 0, null, Epilogue.RELU, ConvAlgorithm.AUTO);
            double flops = 2.0 * g.outputLength() * g.reductionLength();
            System.out.printf("%-9s %6.1f GFLOP/s  %s%n", k.algorithm(), best(() -> k.run(in, 0, out, 0,
                    Parallel.SERIAL)) * flops / 1e9, g);
        }
        ConvTransposeGeometry t = ConvTransposeGeometry.builder().channels(128, 64).input(28, 28).kernel(4, 4)
                .strides(2, 2).padsOnnx(1, 1, 1, 1).build();
        float[] w = random(r, t.weightLength());
        float[] in = random(r, t.inputLength());
        float[] out = new float[t.outputLength()];
        ConvKernel k = Convolutions.prepareTranspose(t, w, 0, null, null, null);
        double flops = 2.0 * t.inputLength() * t.outChannels() * t.kernelSize();
        System.out.printf("%-9s %6.1f GFLOP/s  %s%n", k.algorithm(), best(() -> k.run(in, 0, out, 0,
                Parallel.SERIAL)) * flops / 1e9, t);
    }

    /** Runs per second of the fastest of the runs made in about two seconds. */
    private static double best(Runnable run) {
        double best = Double.MAX_VALUE;
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            run.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return 1 / best;
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }
}
