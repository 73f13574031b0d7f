package dev.vinfer.ops.nn.pool;

import dev.vinfer.conv.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * An informal probe (not a test): the float MaxPool 3x3/2 kernel ({@link MaxPool3x3s2#run}, one thread) of two or
 * more builds in one JVM, single runs alternated between the builds, CPU time of the calling thread. A build is a
 * directory holding the {@code conv}, {@code runtime} and {@code ops} classes directories of one build (e.g. copies
 * of {@code 1d-3d-conv/target/classes} etc. saved before a change, or symbolic links to the current ones), each
 * loaded by its own class loader. Run from the repository root after test-compile:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ops/target/test-classes:1d-3d-conv/target/classes:runtime/target/classes:ops/target/classes \
 *     dev.vinfer.ops.nn.pool.MaxPoolPairedProbe /tmp/old,/tmp/new 300 64,112,1,0 64,111,0,1 128,55,0,1 256,27,0,1 8,112,1,0,8
 * </pre>
 * A case is {@code planes,size,pad,ceil[,repeats]} (size H or HxW, pads on every side, ceil mode 0/1): with
 * repeats the run does the pool that many times over the same input, so that a small input (8 planes of 112x112:
 * 400 KB) is read from L2 while the work equals the repeats times the planes (64 planes of 112x112 read 3.2 MB, from
 * L3 in a loop like this one). Prints per case and build the median and best CPU time per run, and each build's
 * median relative to the first.
 */
public final class MaxPoolPairedProbe {
    private MaxPoolPairedProbe() {
    }

    public static void main(String[] args) throws Exception {
        String[] builds = args[0].split(",");
        int runs = Integer.parseInt(args[1]);
        Path tests = Path.of(MaxPoolPairedProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Function<String, Runnable>> targets = new ArrayList<>();
        for (String b : builds) {
            Path dir = Path.of(b);
            URLClassLoader loader = new URLClassLoader(new URL[] {url(tests), url(dir.resolve("conv")),
                url(dir.resolve("runtime")), url(dir.resolve("ops"))}, ClassLoader.getPlatformClassLoader());
            @SuppressWarnings("unchecked")
            Function<String, Runnable> t = (Function<String, Runnable>) loader.loadClass(Target.class.getName())
                    .getDeclaredConstructor().newInstance();
            targets.add(t);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("load %s%n", load());
        for (int ci = 2; ci < args.length; ci++) {
            Runnable[] run = new Runnable[builds.length];
            for (int b = 0; b < builds.length; b++) {
                run[b] = targets.get(b).apply(args[ci]);
            }
            long[][] cpu = new long[builds.length][runs];
            for (int warm = 0; warm < Math.max(150, runs / 2); warm++) {
                for (Runnable r : run) {
                    r.run();
                }
            }
            for (int i = 0; i < runs; i++) {
                for (int k = 0; k < builds.length; k++) {
                    int b = (k + i) % builds.length; // alternate which build goes first
                    long c0 = mx.getCurrentThreadCpuTime();
                    run[b].run();
                    cpu[b][i] = mx.getCurrentThreadCpuTime() - c0;
                }
            }
            double base = 0;
            for (int b = 0; b < builds.length; b++) {
                long[] t = cpu[b];
                Arrays.sort(t);
                double med = t[t.length / 2] / 1e6;
                if (b == 0) {
                    base = med;
                }
                System.out.printf("%-16s %-24s CPU median %7.4f best %7.4f ms | median/first %.3f%n", args[ci],
                        tail(builds[b]), med, t[0] / 1e6, med / base);
            }
        }
        System.out.printf("load %s%n", load());
        System.exit(0);
    }

    private static URL url(Path p) throws java.net.MalformedURLException {
        return p.toUri().toURL();
    }

    private static String tail(String s) {
        return s.length() <= 24 ? s : s.substring(s.length() - 24);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** Builds one case's pool with this loader's classes; the Runnable does one run. */
    public static final class Target implements Function<String, Runnable> {
        @Override
        public Runnable apply(String spec) {
            String[] parts = spec.split(",");
            String[] hw = parts[1].split("x");
            parts[1] = "0";
            int[] f = Arrays.stream(parts).mapToInt(Integer::parseInt).toArray();
            int planes = f[0];
            int h = Integer.parseInt(hw[0]);
            int w = hw.length > 1 ? Integer.parseInt(hw[1]) : h;
            int pad = f[2];
            boolean ceil = f[3] != 0;
            int repeats = f.length > 4 ? f[4] : 1;
            PoolWindow window = new PoolWindow(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {pad, pad, pad, pad}, PaddingPolicy.EXPLICIT, ceil);
            PoolGeometry g = PoolGeometry.of(window, new int[] {1, planes, h, w});
            MaxPool3x3s2 pool = MaxPool3x3s2.plan(window, g);
            Random r = new Random(3);
            float[] in = new float[planes * h * w];
            for (int i = 0; i < in.length; i++) {
                in[i] = (float) r.nextGaussian();
            }
            float[] out = new float[planes * g.outputPlaneSize()];
            return () -> {
                for (int k = 0; k < repeats; k++) {
                    pool.run(in, 0, out, 0, Parallel.SERIAL);
                }
            };
        }
    }
}
