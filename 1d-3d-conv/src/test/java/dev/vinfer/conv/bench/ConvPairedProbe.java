package dev.vinfer.conv.bench;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.Parallel;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An informal probe (not a test): times convolution kernels ({@link ConvKernel#run}, bias + Relu) of two or more
 * builds of this module in one JVM, single runs alternated between the builds, so that each comparison is made
 * under the same load. Each build is a classes directory loaded by its own class loader. Run from the repository
 * root after test-compile, e.g. with a saved copy of an older build in /tmp/base-classes:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 1d-3d-conv/target/test-classes dev.vinfer.conv.bench.ConvPairedProbe \
 *     /tmp/base-classes,1d-3d-conv/target/classes 300 512,512,7x7,winograd_f2_3,1 256,256,14x14,auto,2
 * </pre>
 * A layer is {@code C,M,dims,algorithm,threads[,kernel[,stride[,pad[,relu|relu6|none]]]]} (dims like 56x56, 4000 or
 * 8x28x28; kernel taps, stride and pad one value for every axis or one per axis like 1x2x2; by default 3, 1 and 1,
 * Relu; a tenth field is the group count, or {@code dw} for depthwise, an eleventh {@code res} adds a residual; e.g. the ResNet stem {@code 3,64,224x224,auto,1,7,2,3}, ResNet3D-10's {@code 3,64,16x112x112,auto,1,7,1x2x2,3}).
 * Prints,
 * per layer and build, the median and the best of the runs, in ms, and each build's median relative to the first.
 * A build written {@code dir@algorithm} runs that algorithm instead of the layer's, so that algorithms are compared
 * alternated too: {@code /tmp/base@im2col,/tmp/base@pixel_rows}.
 */
public final class ConvPairedProbe {
    private ConvPairedProbe() {
    }

    public static void main(String[] args) throws Exception {
        String[] builds = args[0].split(",");
        int runs = Integer.parseInt(args[1]);
        Path tests = Path.of(ConvPairedProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Function<String, Runnable>> targets = new ArrayList<>();
        String[] algos = new String[builds.length];
        for (int i = 0; i < builds.length; i++) {
            int at = builds[i].indexOf('@');
            algos[i] = at < 0 ? null : builds[i].substring(at + 1);
            String b = at < 0 ? builds[i] : builds[i].substring(0, at);
            URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(b).toUri().toURL(), tests.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            @SuppressWarnings("unchecked")
            Function<String, Runnable> t = (Function<String, Runnable>) loader.loadClass(Target.class.getName())
                    .getDeclaredConstructor().newInstance();
            targets.add(t);
        }
        System.out.printf("load %s%n", loadAverage());
        for (int li = 2; li < args.length; li++) {
            String layer = args[li];
            Runnable[] run = new Runnable[builds.length];
            for (int b = 0; b < builds.length; b++) {
                run[b] = targets.get(b).apply(algos[b] == null ? layer : withAlgorithm(layer, algos[b]));
            }
            long[][] times = new long[builds.length][runs];
            long[][] cpu = new long[builds.length][runs];
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int warm = 0; warm < Math.max(20, runs / 5); warm++) {
                for (Runnable r : run) {
                    r.run();
                }
            }
            for (int i = 0; i < runs; i++) {
                for (int b = 0; b < builds.length; b++) {
                    int bb = (b + i) % builds.length; // alternate which build goes first
                    if (FLUSH != null) {
                        flush();
                    }
                    long c0 = mx.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    run[bb].run();
                    times[bb][i] = System.nanoTime() - t0;
                    cpu[bb][i] = mx.getCurrentThreadCpuTime() - c0;
                }
            }
            double base = 0;
            for (int b = 0; b < builds.length; b++) {
                long[] t = times[b];
                Arrays.sort(t);
                long[] ct = cpu[b];
                Arrays.sort(ct);
                double med = t[t.length / 2] / 1e6;
                double cmed = ct[ct.length / 2] / 1e6;
                if (b == 0) {
                    base = cmed;
                }
                // The caller's CPU time: all of a one-thread run, the caller's share of a parallel one.
                System.out.printf("%-32s %-28s wall median %8.3f best %8.3f | caller CPU median %8.3f best %8.3f ms"
                        + " | CPU median/first %.3f%n", layer, tail(builds[b]), med, t[0] / 1e6, cmed, ct[0] / 1e6,
                        cmed / base);
            }
        }
        System.out.printf("load %s%n", loadAverage());
        System.exit(0);
    }

    /**
     * With {@code -Dprobe.flush=true} every run starts with cold caches (64 MiB written in between, as when the
     * layers of a whole network run one after another and each reads its weights from memory).
     */
    private static final float[] FLUSH = Boolean.getBoolean("probe.flush") ? new float[16 << 20] : null;

    private static void flush() {
        for (int i = 0; i < FLUSH.length; i += 16) {
            FLUSH[i] += 1f;
        }
    }

    private static String withAlgorithm(String layer, String algo) {
        String[] f = layer.split(",");
        f[3] = algo;
        return String.join(",", f);
    }

    private static String tail(String p) {
        return p.length() <= 28 ? p : p.substring(p.length() - 28);
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** Builds one layer's kernel with this loader's classes; the Runnable does one run. */
    public static final class Target implements Function<String, Runnable> {
        private final java.util.Map<Integer, Parallel> pools = new java.util.HashMap<>();

        @Override
        public Runnable apply(String spec) {
            String[] f = spec.split(",");
            int c = Integer.parseInt(f[0]);
            int m = Integer.parseInt(f[1]);
            int[] dims = Arrays.stream(f[2].split("x")).mapToInt(Integer::parseInt).toArray();
            ConvAlgorithm algo = ConvAlgorithm.parse(f[3]);
            int threads = Integer.parseInt(f[4]);
            int[] kernel = perAxis(f, 5, dims.length, 3);
            int[] strides = perAxis(f, 6, dims.length, 1);
            int[] pad = perAxis(f, 7, dims.length, 1);
            int[] pads = new int[2 * dims.length];
            for (int i = 0; i < dims.length; i++) {
                pads[i] = pad[i];
                pads[dims.length + i] = pad[i];
            }
            Epilogue act = f.length <= 8 || f[8].equals("relu") ? Epilogue.RELU
                    : f[8].equals("relu6") ? Epilogue.clip(0f, 6f) : Epilogue.NONE;
            // An optional tenth field: the group count, or dw for a depthwise layer (group = C).
            int group = f.length <= 9 ? 1 : f[9].equals("dw") ? c : Integer.parseInt(f[9]);
            ConvGeometry g = ConvGeometry.builder().channels(c, m).group(group).input(dims).kernel(kernel)
                    .strides(strides).padsOnnx(pads).build();
            Random r = new Random(7);
            float[] w = random(r, g.weightLength(), (float) (1 / Math.sqrt(g.reductionLength())));
            float[] bias = random(r, m, 0.1f);
            // -Dprobe.rotate=N: N input, output and residual arrays used in turn, so that each run finds its
            // tensors in L3 (when N x the layer's bytes exceed L2) rather than hot in L1/L2, as inside a network.
            int rotate = Math.max(1, Integer.getInteger("probe.rotate", 1));
            float[][] ins = new float[rotate][];
            float[][] outs = new float[rotate][];
            for (int i = 0; i < rotate; i++) {
                ins[i] = random(r, g.inputLength(), 1f);
                outs[i] = new float[g.outputLength()];
            }
            ConvKernel k = Convolutions.prepare(g, w, 0, bias, act, algo);
            Parallel p = threads == 1 ? Parallel.SERIAL : pools.computeIfAbsent(threads, SpinPool::new);
            int[] turn = {0};
            if (f.length > 10 && f[10].equals("res")) {
                float[][] ress = new float[rotate][];
                for (int i = 0; i < rotate; i++) {
                    ress[i] = random(r, g.outputLength(), 1f);
                }
                return () -> {
                    int i = turn[0]++ % rotate;
                    k.run(ins[i], 0, outs[i], 0, ress[i], 0, p);
                };
            }
            return () -> {
                int i = turn[0]++ % rotate;
                k.run(ins[i], 0, outs[i], 0, p);
            };
        }

        /** Field i of the spec: one value for every axis, or one per axis ({@code 1x2x2}); {@code dflt} if absent. */
        private static int[] perAxis(String[] f, int i, int rank, int dflt) {
            int[] v = new int[rank];
            if (f.length <= i) {
                Arrays.fill(v, dflt);
                return v;
            }
            int[] given = Arrays.stream(f[i].split("x")).mapToInt(Integer::parseInt).toArray();
            for (int a = 0; a < rank; a++) {
                v[a] = given.length == 1 ? given[0] : given[a];
            }
            return v;
        }

        private static float[] random(Random r, int n, float scale) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (r.nextFloat() * 2 - 1) * scale;
            }
            return a;
        }
    }

    /** A minimal pool like the session's: workers spin for the next job, the caller takes a share of the tasks. */
    public static final class SpinPool implements Parallel {
        private final int threads;
        private volatile Job job;
        private volatile long posted;

        private record Job(int count, Task task, AtomicInteger next, AtomicInteger done) {
        }

        private final List<Thread> workers = new ArrayList<>();

        public SpinPool(int threads) {
            this.threads = threads;
            for (int i = 1; i < threads; i++) {
                Thread t = new Thread(this::loop, "probe-worker-" + i);
                t.setDaemon(true);
                workers.add(t);
                t.start();
            }
        }

        @Override
        public int threads() {
            return threads;
        }

        @Override
        public void forEach(int count, Task task) {
            Job j = new Job(count, task, new AtomicInteger(), new AtomicInteger());
            job = j;
            posted++;
            for (Thread w : workers) {
                java.util.concurrent.locks.LockSupport.unpark(w);
            }
            claim(j);
            while (j.done.get() < count) {
                Thread.onSpinWait();
            }
            job = null;
        }

        private static void claim(Job j) {
            for (int i = j.next.getAndIncrement(); i < j.count; i = j.next.getAndIncrement()) {
                j.task.run(i);
                j.done.incrementAndGet();
            }
        }

        private void loop() {
            long seen = 0;
            long idleSince = System.nanoTime();
            while (true) {
                long p = posted;
                if (p == seen) {
                    if (System.nanoTime() - idleSince < 200_000) {
                        Thread.onSpinWait();
                    } else {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                    continue;
                }
                seen = p;
                Job j = job;
                if (j != null) {
                    claim(j);
                }
                idleSince = System.nanoTime();
            }
        }
    }
}
