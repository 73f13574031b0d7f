package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertClose;
import static dev.vinfer.conv.TestSupport.random;

import java.util.Random;

/** A few convolutions and a GEMM through the default entry points (no explicit backend), checked. */
final class SmokeCheck {
    private SmokeCheck() {
    }

    static void defaultEntryPoints(Random r) {
        for (ConvCases.Kind kind : ConvCases.Kind.values()) {
            for (int rank = 1; rank <= 3; rank++) {
                ConvGeometry g = ConvCases.forward(r, rank, kind);
                float[] w = random(r, g.weightLength());
                float[] in = random(r, g.inputLength());
                float[] want = new float[g.outputLength()];
                ConvReference.conv(g, in, 0, w, 0, null, Epilogue.RELU, want, 0);
                float[] out = new float[g.outputLength()];
                Convolutions.prepare(g, w, 0, null, Epilogue.RELU, null).run(in, 0, out, 0, TestSupport.POOL);
                assertClose(kind + " " + g, g.reductionLength(), want, 0, out, 0, out.length);
            }
        }
        ConvTransposeGeometry t = ConvCases.transposed(r, 2);
        float[] w = random(r, t.weightLength());
        float[] in = random(r, t.inputLength());
        float[] want = new float[t.outputLength()];
        ConvReference.convTranspose(t, in, 0, w, 0, null, Epilogue.NONE, want, 0);
        float[] out = new float[t.outputLength()];
        Convolutions.prepareTranspose(t, w, 0, null, null, null).run(in, 0, out, 0, Parallel.SERIAL);
        assertClose(t.toString(), t.reductionLength(), want, 0, out, 0, out.length);

        int m = 20;
        int n = 40;
        int k = 300;
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c = new float[m * n];
        Sgemm.get().multiply(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false, TestSupport.POOL);
        float[] ref = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * b[p * n + j];
                }
                ref[i * n + j] = (float) s;
            }
        }
        assertClose("sgemm", k, ref, 0, c, 0, c.length);
    }
}
