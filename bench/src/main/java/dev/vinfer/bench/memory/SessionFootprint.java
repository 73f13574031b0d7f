package dev.vinfer.bench.memory;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;

/**
 * The heap a ResNet-50 session holds after it has run: measured as the live heap after full GCs with the session
 * open minus the same without it, next to what the session itself counts (graph constants, arenas). Usage:
 * {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * dev.vinfer.bench.memory.SessionFootprint [size]}.
 */
public final class SessionFootprint {
    private SessionFootprint() {
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 224;
        byte[] model = ResNet50Like.build(size, 50).toByteArray();
        Map<String, Tensor> feed = Map.of("input", Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 1, 3, size, size));
        for (boolean plan : new boolean[] {true, false}) {
            long before = liveHeap();
            Session s = Vinfer.open(model, new SessionOptions().threads(1).memoryPlan(plan));
            Map<String, Tensor> out = null;
            for (int i = 0; i < 3; i++) {
                out = s.run(feed);
            }
            long after = liveHeap();
            Session.MemoryStats m = s.memoryStats();
            System.out.printf("memoryPlan=%s: session retains %.1f MB of heap; constants %.1f MB, arenas %.1f MB "
                    + "(%d), one arena %.1f MB vs %.1f MB if every planned output had its own array%n", plan,
                    mb(after - before), mb(m.constantBytes()), mb(m.arenaBytes()), m.arenas(), mb(m.planArenaBytes()),
                    mb(m.planUnpackedBytes()));
            s.close();
            if (out == null) {
                throw new AssertionError();
            }
        }
    }

    private static double mb(long b) {
        return b / 1048576.0;
    }

    private static long liveHeap() {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return m.getHeapMemoryUsage().getUsed();
    }
}
