package dev.vinfer.samples.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScoresTest {

    @Test
    void softmaxOfKnownLogits() {
        float[] p = Scores.softmax(new float[] {0, (float) Math.log(3)});
        assertEquals(0.25f, p[0], 1e-6f);
        assertEquals(0.75f, p[1], 1e-6f);
    }

    @Test
    void softmaxDoesNotOverflowOnLargeLogits() {
        float[] p = Scores.softmax(new float[] {1000, 1000, -1000});
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f}, p, 1e-6f);
    }

    @Test
    void probabilitiesAreKeptAndLogitsAreSoftmaxed() {
        float[] probs = {0.1f, 0.7f, 0.2f};
        assertTrue(Scores.isProbabilities(probs));
        assertArrayEquals(probs, Scores.probabilities(probs));
        float[] logits = {0.1f, 0.7f, 0.3f}; // in [0, 1] but sums to 1.1: logits
        assertFalse(Scores.isProbabilities(logits));
        assertEquals(1.0, sum(Scores.probabilities(logits)), 1e-6);
        assertFalse(Scores.isProbabilities(new float[] {-0.5f, 1.5f}), "outside [0, 1] even though the sum is 1");
        assertFalse(Scores.isProbabilities(new float[] {Float.NaN, 1f}));
    }

    @Test
    void topKIsOrderedWithTiesToTheLowerIndex() {
        float[] v = {0.1f, 0.4f, 0.05f, 0.4f, 0.05f};
        List<Scores.Ranked> top = Scores.topK(v, 3);
        assertEquals(List.of(new Scores.Ranked(1, 0.4f), new Scores.Ranked(3, 0.4f), new Scores.Ranked(0, 0.1f)),
                top);
        assertEquals(5, Scores.topK(v, 10).size(), "k larger than the vector gives all of it");
        assertEquals(List.of(new Scores.Ranked(1, 2f)), Scores.topK(new float[] {Float.NaN, 2f}, 2),
                "NaN is never ranked");
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
