package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.conv.ConvLayer;
import dev.vinfer.bench.conv.ConvModels;
import dev.vinfer.bench.models.Family;
import dev.vinfer.conv.ConvGeometry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A diagnostic for multi-thread runs whose speed changes within one JVM (issue 3's conv3d 64ch fork ran its
 * warm-up at 3.8-4.2 ms and its measured iterations at 6.4-6.8 ms): runs one model back to back and prints, per
 * window, the mean and fastest time per run, the CPU time the calling thread and each of vinfer's pool workers used
 * per run, JIT and GC activity, and the <b>core-to-core round trip</b>: the time for a cache line to go from this
 * thread to another one and back, measured just before the window.
 *
 * <p>Why the round trip: this machine is a VM whose two vCPUs the host places sometimes on cores that share an L3
 * (about 70 ns) and sometimes on cores that do not (about 310 ns), and moves them when they idle (GC pauses, the
 * gaps between JMH iterations). Code whose threads hand data to each other slows down in the far placement; code
 * whose threads keep to their own data does not. See bench/README.md, "Two threads, session 4".
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.ThreadTimeline resnet18|layer:C3D_3X3X3_64_8X28X28 [threads] [seconds]
 *     [windowMs] [vinfer|ort] [gcEvery]</pre>
 * {@code gcEvery > 0} calls {@code System.gc()} every so many windows (the vCPUs idle for a moment, so the host
 * may place them anew).
 */
public final class ThreadTimeline {
    private static final AtomicLong FLAG = new AtomicLong();

    private ThreadTimeline() {
    }

    public static void main(String[] args) throws IOException {
        String target = args.length > 0 ? args[0] : "layer:C3D_3X3X3_64_8X28X28";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 20;
        long windowNanos = (args.length > 3 ? Long.parseLong(args[3]) : 500) * 1_000_000L;
        Engine engine = Engine.valueOf((args.length > 4 ? args[4] : "vinfer").toUpperCase(Locale.ROOT));
        int gcEvery = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        Path file;
        float[] data;
        int[] shape;
        String inputName;
        if (target.startsWith("layer:")) {
            ConvGeometry g = ConvLayer.valueOf(target.substring(6)).geometry();
            file = Files.createTempFile("vinfer-timeline", ".onnx");
            file.toFile().deleteOnExit();
            Files.write(file, ConvModels.convModel(g, ConvModels.weights(g, 1), ConvModels.random(2, g.outChannels())));
            data = ConvModels.random(3, g.inputLength());
            shape = ConvModels.inputShape(g);
            inputName = "x";
        } else {
            Family f = Family.byId(target);
            file = ModelFiles.fullSize(f);
            data = ModelFiles.input(f);
            shape = f.fullInput();
            inputName = "input";
        }
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        try (Engine.Runner r = engine.open(file, threads)) {
            r.bind(inputName, data, shape);
            r.run();
            long me = Thread.currentThread().threadId();
            List<Long> workers = new ArrayList<>();
            for (ThreadInfo ti : tmx.getThreadInfo(tmx.getAllThreadIds())) {
                if (ti != null && ti.getThreadName().startsWith("vinfer-pool")) {
                    workers.add(ti.getThreadId());
                }
            }
            System.out.printf(Locale.ROOT, "%s on %s, %d thread(s), %d vinfer pool worker(s); load %s%n", target,
                    engine, threads, workers.size(), load());
            System.out.println("uptime s  core-to-core ns   runs   ms/run  min ms  caller cpu ms/run  "
                    + "worker cpu ms/run  jit ms  gc n/ms");
            long end = System.nanoTime() + (long) (seconds * 1e9);
            int window = 0;
            while (System.nanoTime() < end) {
                if (gcEvery > 0 && ++window % gcEvery == 0) {
                    System.gc();
                }
                double roundTrip = roundTripNanos();
                long c0 = tmx.getThreadCpuTime(me);
                long[] w0 = cpu(tmx, workers);
                long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
                long[] gc0 = gc();
                long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
                long t0 = System.nanoTime();
                int runs = 0;
                long t = t0;
                long fastest = Long.MAX_VALUE;
                while (t - t0 < windowNanos) {
                    r.run();
                    runs++;
                    long now = System.nanoTime();
                    fastest = Math.min(fastest, now - t);
                    t = now;
                }
                long c1 = tmx.getThreadCpuTime(me);
                long[] w1 = cpu(tmx, workers);
                long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0;
                long[] gc1 = gc();
                StringBuilder wk = new StringBuilder();
                for (int i = 0; i < workers.size(); i++) {
                    wk.append(String.format(Locale.ROOT, " %6.3f", (w1[i] - w0[i]) / 1e6 / runs));
                }
                System.out.printf(Locale.ROOT, "%8.2f %16.0f %6d %8.3f %7.3f %12.3f      %-18s %6d  %d/%d%n",
                        uptime / 1e3, roundTrip, runs, (t - t0) / 1e6 / runs, fastest / 1e6, (c1 - c0) / 1e6 / runs,
                        wk, jit, gc1[0] - gc0[0], gc1[1] - gc0[1]);
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        System.out.printf(Locale.ROOT, "load %s%n", load());
    }

    /**
     * The fastest of ten batches of cache-line round trips between this thread and a new one (the other vCPU, as
     * long as nothing else runs there), in ns per round trip.
     */
    static double roundTripNanos() {
        final int n = 20_000;
        FLAG.set(0);
        Thread t = new Thread(() -> {
            for (long i = 1; i < 2L * n; i += 2) {
                while (FLAG.get() != i) {
                    Thread.onSpinWait();
                }
                FLAG.set(i + 1);
            }
        });
        t.start();
        long best = Long.MAX_VALUE;
        for (int rep = 0; rep < 10; rep++) {
            long t0 = System.nanoTime();
            for (long i = rep * 2L * n / 10; i < (rep + 1) * 2L * n / 10; i += 2) {
                FLAG.set(i + 1);
                while (FLAG.get() != i + 2) {
                    Thread.onSpinWait();
                }
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return best / (n / 10.0);
    }

    private static long[] cpu(ThreadMXBean tmx, List<Long> ids) {
        long[] a = new long[ids.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = tmx.getThreadCpuTime(ids.get(i));
        }
        return a;
    }

    private static long[] gc() {
        long n = 0;
        long ms = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
            ms += Math.max(0, b.getCollectionTime());
        }
        return new long[] {n, ms};
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
