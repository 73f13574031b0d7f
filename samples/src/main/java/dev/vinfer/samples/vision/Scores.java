package dev.vinfer.samples.vision;

import java.util.ArrayList;
import java.util.List;

/** Classifier outputs: softmax, "is this already a probability vector?", and top-k. */
public final class Scores {
    /** How far a probability vector's sum may be from 1 (float rounding over a thousand classes is about 1e-5). */
    private static final double SUM_TOLERANCE = 1e-3;

    private Scores() {
    }

    /** One class and its score. */
    public record Ranked(int index, float score) {
    }

    /** Softmax; subtracts the maximum first so large logits don't overflow. */
    public static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp((double) logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    /** True when every value is in [0, 1] and they sum to 1 (within {@value #SUM_TOLERANCE}). */
    public static boolean isProbabilities(float[] v) {
        double sum = 0;
        for (float x : v) {
            if (!(x >= 0 && x <= 1)) {
                return false;
            }
            sum += x;
        }
        return Math.abs(sum - 1) <= SUM_TOLERANCE;
    }

    /** {@code v} if it already is a probability vector (the model ends in a softmax), else its softmax. */
    public static float[] probabilities(float[] v) {
        return isProbabilities(v) ? v.clone() : softmax(v);
    }

    /** The k highest scores, highest first; ties go to the lower index. NaN scores are never picked. */
    public static List<Ranked> topK(float[] v, int k) {
        List<Ranked> top = new ArrayList<>();
        boolean[] taken = new boolean[v.length];
        for (int r = 0; r < Math.min(k, v.length); r++) {
            int best = -1;
            for (int i = 0; i < v.length; i++) {
                if (!taken[i] && !Float.isNaN(v[i]) && (best < 0 || v[i] > v[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            taken[best] = true;
            top.add(new Ranked(best, v[best]));
        }
        return top;
    }
}
