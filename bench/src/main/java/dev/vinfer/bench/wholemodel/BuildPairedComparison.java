package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import dev.vinfer.bench.paired.CpuWallPairs;
import dev.vinfer.bench.paired.PairedTimes;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Locale;

/**
 * vinfer against vinfer for a change of code: two builds' benchmark jars, each in a class loader of its own in one
 * JVM, one session of the same model in each, single runs alternated ({@link CpuWallPairs}), so that both builds see
 * the same background load. This machine's speed drifts by up to a third within minutes (the host's load on the
 * vCPUs' cores), so two JVMs run one after the other cannot tell 3% apart; alternated runs in one JVM can.
 * {@link SwitchPairedComparison} does the same for a system-property switch within one build.
 *
 * <p>Each loader's path is the build's jar and then this jar, so the build's classes win and only
 * {@link BuildRunner} (its constructor and {@code run} take JDK types alone) comes from this jar when the older build
 * lacks it; service files (the graph passes) come from the build's jar alone. The kernels JIT-compile once per
 * build, so warm up with {@code -Dvinfer.bench.warmup} runs (default 100).
 *
 * <pre>java --add-modules jdk.incubator.vector -Dvinfer.bench.models=bench/target/bench-models \
 *     -cp bench/target/benchmarks.jar dev.vinfer.bench.wholemodel.BuildPairedComparison resnet50,mobilenetv2 1 200 \
 *     /tmp/old/benchmarks.jar bench/target/benchmarks.jar</pre>
 */
public final class BuildPairedComparison {
    private BuildPairedComparison() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: BuildPairedComparison MODELS THREADS PAIRS JAR_A JAR_B");
            System.exit(2);
        }
        String[] models = args[0].split(",");
        int threads = Integer.parseInt(args[1]);
        int pairs = Integer.parseInt(args[2]);
        Path[] jars = {Path.of(args[3]), Path.of(args[4])};
        int warmup = Integer.getInteger("vinfer.bench.warmup", 100);
        URL self = BuildPairedComparison.class.getProtectionDomain().getCodeSource().getLocation();
        System.out.printf(Locale.ROOT, "load %s, A=%s B=%s%n", PairedTimes.loadAverage(), jars[0], jars[1]);
        for (String id : models) {
            Family f = Family.byId(id);
            // Both orders of opening: the build whose loader opens second measured about 3% slower against an
            // identical copy of itself (MobileNetV2, 300 pairs, IQR 1.016..1.049), so one order alone is biased.
            double ab = measure(f, jars, self, threads, pairs, warmup, false);
            double ba = measure(f, jars, self, threads, pairs, warmup, true);
            System.out.printf(Locale.ROOT, "%-12s B/A over both orders (geometric mean of CPU medians): %.3f%n", f.id(),
                    Math.sqrt(ab * ba));
        }
    }

    /**
     * A build's jar, then this jar for classes the build lacks; service files ({@code META-INF/services}) from the
     * build's jar alone. Otherwise the older build would also list this jar's services: a graph pass added since
     * then would run in the old build (its class found in this jar, its references resolved against the old
     * classes), or fail there, and the comparison would not be of the two builds.
     */
    private static final class BuildLoader extends URLClassLoader {
        private final String buildPath;

        BuildLoader(URL build, URL self) {
            super(new URL[] {build, self}, ClassLoader.getPlatformClassLoader());
            this.buildPath = build.getPath();
        }

        @Override
        public java.util.Enumeration<URL> findResources(String name) throws java.io.IOException {
            java.util.Enumeration<URL> all = super.findResources(name);
            if (!name.startsWith("META-INF/services/")) {
                return all;
            }
            java.util.List<URL> own = new java.util.ArrayList<>();
            while (all.hasMoreElements()) {
                URL u = all.nextElement();
                // jar:file:/path/to/build.jar!/META-INF/services/...
                if (u.getPath().startsWith("file:" + buildPath + "!")) {
                    own.add(u);
                }
            }
            return java.util.Collections.enumeration(own);
        }
    }

    /** Median per-pair CPU-time ratio B/A with the loaders opened A first, or B first when {@code bFirst}. */
    private static double measure(Family f, Path[] jars, URL self, int threads, int pairs, int warmup,
            boolean bFirst) throws Exception {
        String model = ModelFiles.fullSize(f).toString();
        float[] input = ModelFiles.input(f);
        AutoCloseable[] open = new AutoCloseable[2];
        Runnable[] run = new Runnable[2];
        try {
            for (int i = 0; i < 2; i++) {
                int e = bFirst ? 1 - i : i;
                URLClassLoader loader = new BuildLoader(jars[e].toUri().toURL(), self);
                Object r = loader.loadClass(BuildRunner.class.getName())
                        .getConstructor(String.class, float[].class, int[].class, int.class)
                        .newInstance(model, input, f.fullInput(), threads);
                open[e] = (AutoCloseable) r;
                run[e] = (Runnable) r;
            }
            for (int i = 0; i < warmup; i++) {
                run[0].run();
                run[1].run();
            }
            Runnable a = run[0];
            Runnable b = run[1];
            CpuWallPairs p = CpuWallPairs.measure(() -> {
                a.run();
                return null;
            }, () -> {
                b.run();
                return null;
            }, pairs, true);
            System.out.printf(Locale.ROOT, "%-12s threads=%d pairs=%d %s first | CPU %s | wall %s%n", f.id(), threads,
                    pairs, bFirst ? "B" : "A", p.summary(true), p.summary(false));
            return p.ratio(true, 0.5);
        } finally {
            for (AutoCloseable c : open) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }
}
