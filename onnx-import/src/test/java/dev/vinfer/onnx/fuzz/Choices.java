package dev.vinfer.onnx.fuzz;

import java.util.SplittableRandom;

/**
 * Where the mutator's decisions come from: a seeded random generator for the plain JUnit run, or the fuzz engine's
 * bytes (so that its coverage feedback steers the mutations).
 */
public interface Choices {
    /** A number in [0, bound); bound >= 1. */
    int pick(int bound);

    /** Any long (the mutator mixes in interesting values itself). */
    long anyLong();

    default boolean coin() {
        return pick(2) == 1;
    }

    /** Choices from a seeded generator: the same seed gives the same mutations. */
    static Choices seeded(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return new Choices() {
            @Override
            public int pick(int bound) {
                return rnd.nextInt(bound);
            }

            @Override
            public long anyLong() {
                return rnd.nextLong();
            }
        };
    }
}
