package dev.vinfer.flink.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** The generated 1-D conv model against a plain double-precision filter bank, and its accuracy on the tones. */
class ToneModelTest {
    /**
     * Probabilities are compared absolutely: the float model sums K=256 products per conv output and ~L of them
     * per energy, relative error a few 1e-6 each; through log and softmax that stays far below 1e-4.
     */
    private static final double PROBABILITY_TOLERANCE = 1e-4;

    @Test
    void vinferMatchesAPlainFilterBank() {
        ToneGenerator gen = new ToneGenerator(700, 0.5f);
        try (Session s = Vinfer.open(ToneModel.onnxBytes(), new SessionOptions().threads(1))) {
            for (long id = 0; id < 40; id++) {
                float[] x = gen.window(id, 0).samples();
                float[] got = s.run(Tensor.of(x, 1, 1, x.length)).toFloatArray();
                double[] want = reference(x);
                for (int c = 0; c < want.length; c++) {
                    assertEquals(want[c], got[c], PROBABILITY_TOLERANCE, "window id (seed) " + id + " class " + c);
                }
            }
        }
    }

    @Test
    void recognizesTonesInNoise() {
        ToneGenerator gen = new ToneGenerator(1024, 0.5f);
        int correct = 0;
        int n = 200;
        try (Session s = Vinfer.open(ToneModel.onnxBytes(), new SessionOptions())) {
            for (long id = 0; id < n; id++) {
                SignalWindow w = gen.window(id, 0);
                float[] p = s.run(Tensor.of(w.samples(), 1, 1, w.samples().length)).toFloatArray();
                correct += argmax(p) == w.tone() ? 1 : 0;
            }
        }
        assertTrue(correct >= 0.97 * n, correct + " of " + n + " windows recognized");
    }

    @Test
    void windowsShorterThanTheFiltersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ToneGenerator(ToneModel.TAPS - 1, 0));
    }

    /** conv (valid), square, mean, log(. + eps), x2, softmax, in double precision. */
    static double[] reference(float[] x) {
        float[] w = ToneModel.filters();
        int k = ToneModel.TAPS;
        int t = ToneModel.TONES.length;
        int outLen = x.length - k + 1;
        double[] logits = new double[t];
        for (int c = 0; c < t; c++) {
            double energy = 0;
            for (int i = 0; i < outLen; i++) {
                double y = 0;
                for (int j = 0; j < k; j++) {
                    y += (double) w[c * k + j] * x[i + j];
                }
                energy += y * y;
            }
            logits[c] = 2 * Math.log(energy / outLen + 1e-6);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[t];
        for (int c = 0; c < t; c++) {
            p[c] = Math.exp(logits[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < t; c++) {
            p[c] /= sum;
        }
        return p;
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
