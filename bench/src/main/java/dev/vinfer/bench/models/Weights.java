package dev.vinfer.bench.models;

import java.util.SplittableRandom;

/**
 * Seeded random parameters with the magnitudes trained networks have, so that activations neither explode nor
 * vanish through dozens of layers: He-normal weights for layers followed by ReLU, the usual small uniform biases,
 * and BatchNormalization statistics that are not the identity (otherwise folding them would prove nothing).
 */
public final class Weights {
    private final SplittableRandom random;

    public Weights(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** He (Kaiming) normal: N(0, 2 / fanIn), which keeps the activation variance through conv + ReLU. */
    public float[] heNormal(int n, int fanIn) {
        return normal(n, 0, Math.sqrt(2.0 / fanIn));
    }

    /** The framework-default bias: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
    public float[] bias(int n, int fanIn) {
        double b = 1 / Math.sqrt(fanIn);
        return uniform(n, -b, b);
    }

    public float[] normal(int n, double mean, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (mean + std * random.nextGaussian());
        }
        return a;
    }

    public float[] uniform(int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return a;
    }
}
