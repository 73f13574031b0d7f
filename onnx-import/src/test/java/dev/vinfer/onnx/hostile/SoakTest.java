package dev.vinfer.onnx.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Soak: 100,000 runs (-Dvinfer.soak.runs=N to change) of a small CNN on one session, plus a fresh session opened,
 * run and closed every 5,000 runs. The heap after a full GC and the live thread count are sampled every 10,000
 * runs and must stay flat. Not part of the normal build (it takes minutes):
 *
 * <pre>
 * bin/jdk25 mvn -B -pl onnx-import -am test -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dvinfer.extraTestArgs=-Dvinfer.soak=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "vinfer.soak", matches = "true")
class SoakTest {

    private static long usedHeapAfterGc(MemoryMXBean mem) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    @Test
    void heapAndThreadsStayFlatOverManyRuns() throws Exception {
        int runs = Integer.getInteger("vinfer.soak.runs", 100_000);
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        byte[] model = ConcurrentRunsTest.smallCnn(7).toByteArray();
        SessionOptions opts = new SessionOptions().threads(2);
        Tensor[] inputs = new Tensor[16];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = ConcurrentRunsTest.input(i);
        }
        List<String> samples = new ArrayList<>();
        long firstHeap = -1;
        long maxHeap = 0;
        int firstThreads = -1;
        int maxThreads = 0;
        long t0 = System.nanoTime();
        try (Session s = Vinfer.open(model, opts)) {
            float[] reference = s.run(Map.of("x", inputs[0])).get("p").toFloatArray();
            for (int r = 1; r <= runs; r++) {
                Tensor y = s.run(Map.of("x", inputs[r % inputs.length])).get("p");
                if (r % inputs.length == 0) {
                    assertArrayEquals(reference, y.toFloatArray(), "run " + r);
                }
                if (r % 5_000 == 0) {
                    try (Session other = Vinfer.open(model, opts)) {
                        other.run(Map.of("x", inputs[1]));
                    }
                }
                if (r % 10_000 == 0 || r == runs) {
                    long heap = usedHeapAfterGc(mem);
                    int threads = Thread.activeCount();
                    if (firstHeap < 0) {
                        firstHeap = heap;
                        firstThreads = threads;
                    }
                    maxHeap = Math.max(maxHeap, heap);
                    maxThreads = Math.max(maxThreads, threads);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    samples.add(String.format("%7d runs  %6.1f s  heap after GC %6.1f MB  threads %d", r, seconds,
                            heap / 1e6, threads));
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.println("soak: " + runs + " runs in " + String.format("%.1f", seconds) + " s ("
                + String.format("%.0f", runs / seconds) + " runs/s)\n" + String.join("\n", samples));
        assertTrue(maxHeap - firstHeap < 16_000_000, "heap grew from " + firstHeap + " to " + maxHeap);
        assertTrue(maxThreads <= firstThreads + 1, "threads grew from " + firstThreads + " to " + maxThreads);
    }
}
