package dev.vinfer.onnx.fuzz;

import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not in the build: runs many mutation cases without stopping at the first finding, groups the findings by where
 * they arise (exception type and the first vinfer frame) and prints one replayable case with its stack for each.
 * -Dvinfer.fuzz.triage=true, -Dvinfer.fuzz.cases=N, -Dvinfer.fuzz.seed=S.
 */
@EnabledIfSystemProperty(named = "vinfer.fuzz.triage", matches = "true")
class FuzzTriageTest {
    @Test
    void triage() {
        List<ModelProto> seeds = Seeds.models();
        long base = Long.getLong("vinfer.fuzz.seed", 1L);
        int cases = Integer.getInteger("vinfer.fuzz.cases", 20_000);
        SplittableRandom pickCase = new SplittableRandom(base);
        Map<String, String> first = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < cases; i++) {
            long caseSeed = pickCase.nextLong();
            try {
                MutationRunTest.replay(seeds, caseSeed);
            } catch (Throwable t) {
                Throwable root = t;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                String where = "?";
                for (StackTraceElement e : root.getStackTrace()) {
                    if (e.getClassName().startsWith("dev.vinfer") && !e.getClassName().contains(".fuzz.")) {
                        where = e.toString();
                        break;
                    }
                }
                String key = root.getClass().getSimpleName() + " at " + where;
                counts.merge(key, 1, Integer::sum);
                if (!first.containsKey(key)) {
                    StringWriter sw = new StringWriter();
                    t.printStackTrace(new PrintWriter(sw));
                    String stack = sw.toString();
                    first.put(key, "case seed " + caseSeed + "L\n" + stack.substring(0, Math.min(stack.length(), 6000)));
                }
            }
        }
        System.out.printf("triage: %d cases in %.1f s, %d distinct findings%n", cases, (System.nanoTime() - t0) / 1e9,
                first.size());
        for (var e : first.entrySet()) {
            System.out.println("==== " + counts.get(e.getKey()) + "x " + e.getKey() + "\n" + e.getValue());
        }
    }
}
