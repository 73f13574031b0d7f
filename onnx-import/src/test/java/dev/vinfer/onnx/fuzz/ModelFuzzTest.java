package dev.vinfer.onnx.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import java.util.List;

/**
 * Jazzer fuzz tests (coverage-guided, libFuzzer engine). In a normal build they run as regression tests over their
 * inputs folders ({@code ModelFuzzTestInputs/<method>} in the test resources: the seed corpus, plus any finding
 * Jazzer saved there). To fuzz, set {@code JAZZER_FUZZ=1} and pick one test, e.g.
 *
 * <pre>
 * JAZZER_FUZZ=1 bin/jdk25 mvn -B -pl onnx-import -am test -Dtest='ModelFuzzTest#mutatedModel' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dvinfer.fuzz.skip=true -Dvinfer.jazzer.hooks=true \
 *     -Dvinfer.extraTestArgs='-Djazzer.max_duration=10m -Djazzer.instrument=dev.vinfer.**'
 * </pre>
 *
 * The build itself fuzzes {@link #mutatedModel} for a bounded time (see the onnx-import pom, execution
 * {@code fuzz-bounded}). Only VinferExceptions may escape (see {@link FuzzTarget}).
 */
class ModelFuzzTest {
    private static List<ModelProto> seeds;

    private static synchronized List<ModelProto> seeds() {
        if (seeds == null) {
            seeds = Seeds.models();
        }
        return seeds;
    }

    /**
     * Choices taken from the fuzzer's bytes, so that coverage feedback steers the mutations; once the bytes run out
     * (libFuzzer starts with very short inputs), from a generator seeded by the input's first eight bytes, so that
     * even a short input makes a full case.
     */
    private static Choices from(FuzzedDataProvider data) {
        java.util.SplittableRandom rest = new java.util.SplittableRandom(data.consumeLong());
        return new Choices() {
            @Override
            public int pick(int bound) {
                if (bound <= 1) {
                    return 0;
                }
                return data.remainingBytes() > 0 ? data.consumeInt(0, bound - 1) : rest.nextInt(bound);
            }

            @Override
            public long anyLong() {
                return data.remainingBytes() > 0 ? data.consumeLong() : rest.nextLong();
            }
        };
    }

    /** Structure-aware: a seed model mutated at the protobuf-field level, then loaded and run. */
    @FuzzTest(maxDuration = "30s")
    void mutatedModel(FuzzedDataProvider data) {
        Choices c = from(data);
        List<ModelProto> all = seeds();
        ModelProto seed = all.get(c.pick(all.size()));
        ModelProto m = ModelMutator.mutate(seed, c, 1 + c.pick(8));
        FuzzTarget.loadAndRun(m.toByteArray(), c.anyLong(), c.coin());
    }

    /** Raw model bytes (the seed corpus as the starting point), loaded and run. */
    @FuzzTest(maxDuration = "30s")
    void modelBytes(byte[] data) {
        FuzzTarget.loadAndRun(data, data.length, true);
    }

    /** Tensor files as {@code vinfer run --input} reads them: .npy and serialized TensorProto. */
    @FuzzTest(maxDuration = "30s")
    void tensorFile(byte[] data) {
        FuzzTarget.parseTensorFile(data);
    }
}
