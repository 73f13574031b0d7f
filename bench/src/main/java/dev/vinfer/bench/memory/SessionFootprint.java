package dev.vinfer.bench.memory;

import dev.vinfer.Vinfer;
import dev.vinfer.bench.models.Family;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;

/**
 * The heap a session holds after it has run: measured as the live heap after full GCs with the session open minus
 * the same without it, next to what the session itself counts (graph constants, constants released once packed,
 * arenas). Usage: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * dev.vinfer.bench.memory.SessionFootprint [size | family id, e.g. mobilenetv2]}; the default is the ResNet-50 of
 * {@link ResNet50Like} at 224. {@code -Dvinfer.prepareAtOpen=false} measures lazy preparation.
 */
public final class SessionFootprint {
    private SessionFootprint() {
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "224";
        byte[] model;
        int[] shape;
        String inputName;
        if (what.chars().allMatch(Character::isDigit)) {
            int size = Integer.parseInt(what);
            model = ResNet50Like.build(size, 50).toByteArray();
            shape = new int[] {1, 3, size, size};
            inputName = "input";
            what = "ResNet50Like " + size;
        } else {
            Family f = Family.byId(what);
            shape = f.fullInput();
            var proto = f.build(shape);
            model = proto.toByteArray();
            inputName = proto.getGraph().getInput(0).getName();
        }
        Map<String, Tensor> feed = Map.of(inputName, Tensor.zeros(DType.FLOAT32, shape));
        for (boolean plan : new boolean[] {true, false}) {
            long before = liveHeap();
            Session s = Vinfer.open(model, new SessionOptions().threads(1).memoryPlan(plan));
            Map<String, Tensor> out = null;
            for (int i = 0; i < 3; i++) {
                out = s.run(feed);
            }
            long after = liveHeap();
            Session.MemoryStats m = s.memoryStats();
            System.out.printf("%s, memoryPlan=%s: session retains %.1f MB of heap; constants %.1f MB (%.1f MB more"
                    + " released once packed), arenas %.1f MB (%d), one arena %.1f MB vs %.1f MB if every planned"
                    + " output had its own array%n", what, plan, mb(after - before), mb(m.constantBytes()),
                    mb(m.releasedConstantBytes()), mb(m.arenaBytes()), m.arenas(), mb(m.planArenaBytes()),
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
