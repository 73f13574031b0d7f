package dev.vinfer.onnx.fuzz;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A bounded, seeded run of the structure-aware mutator over the seed corpus, in every build: each case mutates one
 * seed 1-8 times, then loads and runs it (with and without optimization). Deterministic: the same base seed gives
 * the same cases, and a failure names the case so it can be replayed with {@link #replay}. More cases with
 * -Dvinfer.fuzz.cases=N, another base seed with -Dvinfer.fuzz.seed=S.
 */
class MutationRunTest {
    @Test
    void mutatedSeedsStayWithinTheContract() {
        List<ModelProto> seeds = Seeds.models();
        long base = Long.getLong("vinfer.fuzz.seed", 20261128L);
        int cases = Integer.getInteger("vinfer.fuzz.cases", 3000);
        SplittableRandom pickCase = new SplittableRandom(base);
        for (int i = 0; i < cases; i++) {
            long caseSeed = pickCase.nextLong();
            try {
                replay(seeds, caseSeed);
            } catch (Throwable t) {
                throw new AssertionError("case " + i + " (replay with MutationRunTest.replay(seeds, " + caseSeed
                        + "L)): " + t, t);
            }
        }
    }

    /** One case: a seed model picked and mutated by {@code caseSeed}, loaded and run. */
    static void replay(List<ModelProto> seeds, long caseSeed) {
        Choices c = Choices.seeded(caseSeed);
        ModelProto seed = seeds.get(c.pick(seeds.size()));
        ModelProto m = ModelMutator.mutate(seed, c, 1 + c.pick(8));
        FuzzTarget.loadAndRun(m.toByteArray(), caseSeed, c.coin());
    }
}
