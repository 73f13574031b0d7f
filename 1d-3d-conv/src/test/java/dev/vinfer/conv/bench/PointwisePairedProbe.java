package dev.vinfer.conv.bench;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * An informal probe (not a test) for 1x1 convolutions as MobileNetV2 and ResNet run them: like
 * {@link ConvPairedProbe} (builds as class directories, single runs alternated in one JVM, medians of wall and
 * caller CPU time), but the layers are 1x1, stride 1, with a Clip(0, 6) epilogue or, marked {@code +res}, no
 * activation and a residual input (a projection with its shortcut Add fused). Several algorithms may be given per
 * layer, {@code :}-separated; every build runs each. Run from the repository root after test-compile:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 1d-3d-conv/target/test-classes dev.vinfer.conv.bench.PointwisePairedProbe \
 *     /tmp/base-classes,1d-3d-conv/target/classes 200 16,96,112x112,pointwise 144,24,56x56,pointwise,+res
 * </pre>
 * A layer is {@code C,M,HxW,algorithm[:algorithm...][,+res]}; one thread ({@code -Dprobe.threads=2} for two).
 */
public final class PointwisePairedProbe {
    private PointwisePairedProbe() {
    }

    public static void main(String[] args) throws Exception {
        String[] builds = args[0].split(",");
        int runs = Integer.parseInt(args[1]);
        Path tests = Path.of(PointwisePairedProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Function<String, Runnable>> targets = new ArrayList<>();
        for (String b : builds) {
            URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(b).toUri().toURL(), tests.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            @SuppressWarnings("unchecked")
            Function<String, Runnable> t = (Function<String, Runnable>) loader.loadClass(Target.class.getName())
                    .getDeclaredConstructor().newInstance();
            targets.add(t);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("load %s threads %d%n", load(), Integer.getInteger("probe.threads", 1));
        for (int li = 2; li < args.length; li++) {
            String[] f = args[li].split(",");
            String[] algos = f[3].split(":");
            List<String> names = new ArrayList<>();
            List<Runnable> run = new ArrayList<>();
            for (String algo : algos) {
                for (int b = 0; b < builds.length; b++) {
                    f[3] = algo;
                    names.add(algo + " " + tail(builds[b]));
                    run.add(targets.get(b).apply(String.join(",", f)));
                }
            }
            int n = run.size();
            long[][] wall = new long[n][runs];
            long[][] cpu = new long[n][runs];
            for (int warm = 0; warm < Math.max(30, runs / 4); warm++) {
                for (Runnable r : run) {
                    r.run();
                }
            }
            for (int i = 0; i < runs; i++) {
                for (int j = 0; j < n; j++) {
                    int b = (j + i) % n;
                    long c0 = mx.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    run.get(b).run();
                    wall[b][i] = System.nanoTime() - t0;
                    cpu[b][i] = mx.getCurrentThreadCpuTime() - c0;
                }
            }
            String[] g = args[li].split(",");
            int c = Integer.parseInt(g[0]);
            int m = Integer.parseInt(g[1]);
            String[] hw = g[2].split("x");
            double flops = 2.0 * c * m * Integer.parseInt(hw[0]) * Integer.parseInt(hw[1]);
            double first = 0;
            for (int j = 0; j < n; j++) {
                Arrays.sort(wall[j]);
                Arrays.sort(cpu[j]);
                double w = wall[j][runs / 2] / 1e6;
                double ct = cpu[j][runs / 2] / 1e6;
                if (j == 0) {
                    first = ct;
                }
                System.out.printf("%-26s %-36s wall %7.3f | CPU %7.3f best %7.3f ms %5.1f GF/s | CPU/first %.3f%n",
                        String.join(",", Arrays.copyOf(g, 3)) + (g.length > 4 ? ",+res" : ""), names.get(j), w, ct,
                        cpu[j][0] / 1e6, flops / ct / 1e6, ct / first);
            }
        }
        System.out.printf("load %s%n", load());
        System.exit(0);
    }

    private static String tail(String p) {
        return p.length() <= 28 ? p : p.substring(p.length() - 28);
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** Builds one layer's kernel with this loader's classes; the Runnable does one run. */
    public static final class Target implements Function<String, Runnable> {
        @Override
        public Runnable apply(String spec) {
            String[] f = spec.split(",");
            int c = Integer.parseInt(f[0]);
            int m = Integer.parseInt(f[1]);
            int[] dims = Arrays.stream(f[2].split("x")).mapToInt(Integer::parseInt).toArray();
            ConvAlgorithm algo = ConvAlgorithm.parse(f[3]);
            boolean residual = f.length > 4;
            ConvGeometry g = ConvGeometry.builder().channels(c, m).input(dims).kernel(1, 1).build();
            Random r = new Random(7);
            float[] w = random(r, g.weightLength(), (float) (1 / Math.sqrt(c)));
            float[] bias = random(r, m, 0.1f);
            float[] in = random(r, g.inputLength(), 1f);
            float[] res = residual ? random(r, g.outputLength(), 1f) : null;
            float[] out = new float[g.outputLength()];
            ConvKernel k = Convolutions.prepare(g, w, 0, bias, residual ? Epilogue.NONE : Epilogue.clip(0f, 6f),
                    algo);
            int threads = Integer.getInteger("probe.threads", 1);
            Parallel p = threads == 1 ? Parallel.SERIAL : new ConvPairedProbe.SpinPool(threads);
            return () -> k.run(in, 0, out, 0, res, 0, p);
        }

        private static float[] random(Random r, int n, float scale) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (r.nextFloat() * 2 - 1) * scale;
            }
            return a;
        }
    }
}
