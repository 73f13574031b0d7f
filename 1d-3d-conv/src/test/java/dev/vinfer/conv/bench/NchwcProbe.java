package dev.vinfer.conv.bench;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.conv.NchwcDepthwiseConv;
import dev.vinfer.conv.NchwcDirectConv;
import dev.vinfer.conv.NchwcGatherConv;
import dev.vinfer.conv.NchwcStridedWinogradConv;
import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.NchwcPointwiseConv;
import dev.vinfer.conv.NchwcWinogradConv;
import dev.vinfer.conv.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * An informal probe (not a test): the channel-blocked kernels ({@link NchwcPointwiseConv},
 * {@link NchwcDepthwiseConv}) against vinfer's NCHW ones ({@link Convolutions#prepare} AUTO) on the same layer, one
 * thread, single runs alternated, CPU time, tensors rotated over {@code -Dprobe.rotate} copies (default 8: in L3
 * or memory, as inside a network). A layer is {@code C,M,HxW,act[,res]} (1x1; act none, relu or relu6) or
 * {@code dw,C,HxW,stride[,k]} (k x k depthwise, 3 by default, pad k / 2, relu6) or {@code reorder,C,HxW} (to and
 * from NCHWc on the scalar and the default backend; times relative to the first, the scalar NCHW to NCHWc) or
 * {@code direct,C,M,HxW,k,s,p[,act]} (k x k, stride s, pad p, with a bias; {@link NchwcDirectConv}, GFLOP/s
 * printed; with channel counts that are multiples of 16 also {@link NchwcGatherConv}) or {@code wino,C,M,HxW,m[,act]} (3x3, pad 1, as {@code direct} plus {@link NchwcWinogradConv} F(m,3);
 * GFLOP/s as direct-equivalent).
 * {@code -Dprobe.weightCopies=N} prepares {@code direct}, {@code wino} and the NCHWc 1x1 layers from N sets of weights used in turn
 * (weights read from L3 or memory, as inside a network). {@code -Dprobe.builds=dirA,dirB} adds the NCHWc kernels
 * of other builds. Prints the bytes each run allocated (a kernel whose vectors C2 boxed allocates in its loops). Run from the repository
 * root after test-compile:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 1d-3d-conv/target/classes:1d-3d-conv/target/test-classes \
 *     dev.vinfer.conv.bench.NchwcProbe 300 16,96,112x112,relu6 dw,96,112x112,2
 * </pre>
 */
public final class NchwcProbe {
    private NchwcProbe() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        int rotate = Math.max(1, Integer.getInteger("probe.rotate", 8));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        // -Dprobe.builds=dirA,dirB: the NCHWc kernels of other builds of this module (classes directories), each in
        // its own class loader, alternated with the rest (as ConvPairedProbe).
        List<java.util.function.Function<String, Runnable>> builds = new ArrayList<>();
        Path tests = Path.of(NchwcProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (String dir : System.getProperty("probe.builds", "").split(",")) {
            if (dir.isEmpty()) {
                continue;
            }
            java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {
                Path.of(dir).toUri().toURL(), tests.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            @SuppressWarnings("unchecked")
            java.util.function.Function<String, Runnable> t = (java.util.function.Function<String, Runnable>) loader
                    .loadClass(Target.class.getName()).getDeclaredConstructor().newInstance();
            builds.add(t);
            System.out.printf("build #%d: %s%n", builds.size() - 1, dir);
        }
        System.out.printf("load %s, rotate %d%n", load(), rotate);
        for (int li = 1; li < args.length; li++) {
            List<String> names = new ArrayList<>();
            List<Runnable> variants = new ArrayList<>();
            build(args[li], rotate, names, variants);
            for (int b = 0; b < builds.size(); b++) {
                names.add("NCHWc #" + b);
                variants.add(builds.get(b).apply(args[li]));
            }
            int v = variants.size();
            long[][] cpu = new long[v][runs];
            long[] alloc = new long[v];
            for (int warm = 0; warm < Math.max(150, runs / 2); warm++) {
                for (Runnable r : variants) {
                    r.run();
                }
            }
            for (int i = 0; i < runs; i++) {
                for (int b = 0; b < v; b++) {
                    int bb = (b + i) % v;
                    long a0 = ((com.sun.management.ThreadMXBean) mx).getCurrentThreadAllocatedBytes();
                    long c0 = mx.getCurrentThreadCpuTime();
                    variants.get(bb).run();
                    cpu[bb][i] = mx.getCurrentThreadCpuTime() - c0;
                    alloc[bb] += ((com.sun.management.ThreadMXBean) mx).getCurrentThreadAllocatedBytes() - a0;
                }
            }
            double base = 0;
            double flops = flops(args[li]);
            for (int b = 0; b < v; b++) {
                long[] t = cpu[b];
                Arrays.sort(t);
                double med = t[runs / 2] / 1e6;
                if (b == 0) {
                    base = med;
                }
                // Bytes allocated per run: a kernel whose vectors C2 boxed allocates in its loops.
                System.out.printf("%-24s %-12s CPU median %8.3f best %8.3f ms | /NCHW %.3f | %d B/run%s%n", args[li],
                        names.get(b), med, t[0] / 1e6, med / base, alloc[b] / runs,
                        flops > 0 ? String.format(" | %.1f GFLOP/s", flops / med / 1e6) : "");
            }
        }
        System.out.printf("load %s%n", load());
        System.exit(0);
    }

    private static void build(String spec, int rotate, List<String> names, List<Runnable> out) {
        String[] f = spec.split(",");
        Random r = new Random(7);
        if (f[0].equals("reorder")) {
            reorders(f, rotate, r, names, out);
            return;
        }
        if (f[0].equals("direct")) {
            direct(f, 0, rotate, r, names, out);
            return;
        }
        if (f[0].equals("wino")) {
            direct(winoAsDirect(f), Integer.parseInt(f[4]), rotate, r, names, out);
            return;
        }
        boolean dw = f[0].equals("dw");
        int c = Integer.parseInt(f[1 - (dw ? 0 : 1)]);
        int m = dw ? c : Integer.parseInt(f[1]);
        int[] hw = Arrays.stream(f[2].split("x")).mapToInt(Integer::parseInt).toArray();
        ConvGeometry g;
        Epilogue e;
        boolean res = false;
        if (dw) {
            int s = Integer.parseInt(f[3]);
            int k = f.length > 4 ? Integer.parseInt(f[4]) : 3;
            g = ConvGeometry.builder().channels(c, c).group(c).input(hw).kernel(k, k).strides(s, s)
                    .pads(new int[] {k / 2, k / 2}, new int[] {k / 2, k / 2}).build();
            e = Epilogue.clip(0f, 6f);
        } else {
            g = ConvGeometry.builder().channels(c, m).input(hw).kernel(1, 1).build();
            e = switch (f[3]) {
                case "relu" -> Epilogue.RELU;
                case "relu6" -> Epilogue.clip(0f, 6f);
                default -> Epilogue.NONE;
            };
            res = f.length > 4 && f[4].equals("res");
        }
        float[] w = random(r, g.weightLength(), (float) (1 / Math.sqrt(g.reductionLength())));
        float[] bias = random(r, m, 0.1f);
        float[][] ins = new float[rotate][];
        float[][] outs = new float[rotate][];
        float[][] ress = new float[rotate][];
        float[][] bins = new float[rotate][];
        float[][] bouts = new float[rotate][];
        float[][] bress = new float[rotate][];
        int inPlane = g.inputPlane();
        int outPlane = g.outputPlane();
        for (int i = 0; i < rotate; i++) {
            ins[i] = random(r, g.inputLength(), 1f);
            outs[i] = new float[g.outputLength()];
            ress[i] = random(r, g.outputLength(), 1f);
            bins[i] = new float[(int) NchwcLayout.length(1, c, inPlane)];
            NchwcLayout.toBlocked(1, c, inPlane, ins[i], 0, bins[i], 0, Parallel.SERIAL);
            bouts[i] = new float[(int) NchwcLayout.length(1, m, outPlane)];
            bress[i] = new float[bouts[i].length];
            NchwcLayout.toBlocked(1, m, outPlane, ress[i], 0, bress[i], 0, Parallel.SERIAL);
        }
        ConvKernel k = Convolutions.prepare(g, w, 0, bias, e, ConvAlgorithm.AUTO);
        int[] turn = {0};
        boolean withRes = res;
        names.add("NCHW");
        out.add(() -> {
            int i = turn[0]++ % rotate;
            if (withRes) {
                k.run(ins[i], 0, outs[i], 0, ress[i], 0, Parallel.SERIAL);
            } else {
                k.run(ins[i], 0, outs[i], 0, Parallel.SERIAL);
            }
        });
        if (dw) {
            NchwcDepthwiseConv d = NchwcDepthwiseConv.prepare(g, w, 0, bias, e);
            int[] t2 = {0};
            names.add("NCHWc");
            out.add(() -> {
                int i = t2[0]++ % rotate;
                d.run(bins[i], 0, bouts[i], 0, Parallel.SERIAL);
            });
            return;
        }
        // -Dprobe.weightCopies=N: N kernels from different weights, used in turn (weights from L3 or memory)
        int copies = Math.max(1, Integer.getInteger("probe.weightCopies", 1));
        NchwcPointwiseConv[] pks = pointwiseCopies(g, w, bias, e, copies, new Random(11));
        int[] t2 = {0};
        names.add("NCHWc");
        out.add(() -> {
            int t = t2[0]++;
            int i = t % rotate;
            pks[t % copies].run(bins[i], 0, bouts[i], 0, withRes ? bress[i] : null, 0, Parallel.SERIAL);
        });
        // -Dprobe.pointwiseSwitch=PROPERTY=VALUE: the same kernels prepared again with that property set (a switch
        // read when a layer is prepared), run alternated with the rest in this JVM
        String sw = System.getProperty("probe.pointwiseSwitch", "");
        if (!sw.isEmpty()) {
            String prop = sw.substring(0, sw.indexOf('='));
            String before = System.getProperty(prop);
            System.setProperty(prop, sw.substring(sw.indexOf('=') + 1));
            NchwcPointwiseConv[] alt;
            try {
                // the same weight copies as the kernels above (same seed)
                alt = pointwiseCopies(g, w, bias, e, copies, new Random(11));
            } finally {
                if (before == null) {
                    System.clearProperty(prop);
                } else {
                    System.setProperty(prop, before);
                }
            }
            int[] t3 = {0};
            names.add("NCHWc " + sw);
            out.add(() -> {
                int t = t3[0]++;
                int i = t % rotate;
                alt[t % copies].run(bins[i], 0, bouts[i], 0, withRes ? bress[i] : null, 0, Parallel.SERIAL);
            });
        }
    }

    /** {@code copies} 1x1 kernels of {@code g}: the first from {@code w}, the others from random weights. */
    private static NchwcPointwiseConv[] pointwiseCopies(ConvGeometry g, float[] w, float[] bias, Epilogue e,
            int copies, Random r) {
        NchwcPointwiseConv[] k = new NchwcPointwiseConv[copies];
        for (int i = 0; i < copies; i++) {
            k[i] = NchwcPointwiseConv.prepare(g,
                    i == 0 ? w : random(r, w.length, (float) (1 / Math.sqrt(g.inChannels()))), 0, bias, e);
        }
        return k;
    }

    /** {@code direct,C,M,HxW,k,s,p[,act]}: the k x k, stride s, pad p convolution's geometry. */
    private static ConvGeometry directGeometry(String[] f) {
        int c = Integer.parseInt(f[1]);
        int m = Integer.parseInt(f[2]);
        int[] hw = Arrays.stream(f[3].split("x")).mapToInt(Integer::parseInt).toArray();
        int k = Integer.parseInt(f[4]);
        int s = Integer.parseInt(f[5]);
        int p = Integer.parseInt(f[6]);
        return ConvGeometry.builder().channels(c, m).input(hw).kernel(k, k).strides(s, s)
                .pads(new int[] {p, p}, new int[] {p, p}).build();
    }

    /** {@code wino,C,M,HxW,m[,act]} as the {@code direct} spec of its 3x3, stride 1, pad 1 convolution. */
    private static String[] winoAsDirect(String[] f) {
        return new String[] {"direct", f[1], f[2], f[3], "3", "1", "1", f.length > 5 ? f[5] : "none"};
    }

    /** Floating-point operations of a {@code direct} or {@code wino} layer ({@code 2 M C kH kW OH OW}), else 0. */
    private static double flops(String spec) {
        String[] f = spec.split(",");
        if (f[0].equals("wino")) {
            f = winoAsDirect(f);
        }
        if (!f[0].equals("direct")) {
            return 0;
        }
        ConvGeometry g = directGeometry(f);
        return 2.0 * g.reductionLength() * g.outChannels() * g.outputPlane();
    }

    /**
     * {@code direct,C,M,HxW,k,s,p[,act]}: the NCHW kernel of {@link Convolutions#prepare} AUTO against
     * {@link NchwcDirectConv}, act none (default), relu or relu6, with a bias; and with {@code wino > 0} (a
     * {@code wino,C,M,HxW,m[,act]} spec) against {@link NchwcWinogradConv} F(wino,3) too.
     */
    private static void direct(String[] f, int wino, int rotate, Random r, List<String> names, List<Runnable> out) {
        ConvGeometry g = directGeometry(f);
        Epilogue e = f.length <= 7 ? Epilogue.NONE : switch (f[7]) {
            case "relu" -> Epilogue.RELU;
            case "relu6" -> Epilogue.clip(0f, 6f);
            default -> Epilogue.NONE;
        };
        int c = g.inChannels();
        int m = g.outChannels();
        float[] w = random(r, g.weightLength(), (float) (1 / Math.sqrt(g.reductionLength())));
        float[] bias = random(r, m, 0.1f);
        float[][] ins = new float[rotate][];
        float[][] outs = new float[rotate][];
        float[][] bins = new float[rotate][];
        float[][] bouts = new float[rotate][];
        for (int i = 0; i < rotate; i++) {
            ins[i] = random(r, g.inputLength(), 1f);
            outs[i] = new float[g.outputLength()];
            bins[i] = new float[(int) NchwcLayout.length(1, c, g.inputPlane())];
            NchwcLayout.toBlocked(1, c, g.inputPlane(), ins[i], 0, bins[i], 0, Parallel.SERIAL);
            bouts[i] = new float[(int) NchwcLayout.length(1, m, g.outputPlane())];
        }
        // -Dprobe.weightCopies=N: N kernels prepared from different weights, used in turn, so that each run reads
        // its weights from L3 or memory as a layer inside a network does (1 by default: weights stay in cache)
        int copies = Math.max(1, Integer.getInteger("probe.weightCopies", 1));
        ConvKernel[] k = new ConvKernel[copies];
        NchwcDirectConv[] d = new NchwcDirectConv[copies];
        NchwcWinogradConv[] wk = new NchwcWinogradConv[copies];
        NchwcGatherConv[] gk = NchwcGatherConv.supports(g) ? new NchwcGatherConv[copies] : null;
        float[][] ws = new float[copies][];
        for (int j = 0; j < copies; j++) {
            float[] wj = j == 0 ? w : random(r, g.weightLength(), (float) (1 / Math.sqrt(g.reductionLength())));
            ws[j] = wj;
            k[j] = Convolutions.prepare(g, wj, 0, bias, e, ConvAlgorithm.AUTO);
            d[j] = NchwcDirectConv.prepare(g, wj, 0, bias, e);
            wk[j] = wino > 0 ? NchwcWinogradConv.prepare(g, wino, wj, 0, bias, e) : null;
            if (gk != null) {
                gk[j] = NchwcGatherConv.prepare(g, wj, 0, bias, e);
            }
        }
        int[] turn = {0};
        names.add("NCHW");
        out.add(() -> {
            int t = turn[0]++;
            k[t % copies].run(ins[t % rotate], 0, outs[t % rotate], 0, Parallel.SERIAL);
        });
        int[] t2 = {0};
        names.add("NCHWc direct");
        out.add(() -> {
            int t = t2[0]++;
            d[t % copies].run(bins[t % rotate], 0, bouts[t % rotate], 0, null, 0, Parallel.SERIAL);
        });
        if (gk != null && wino == 0) {
            int[] t4 = {0};
            names.add("NCHWc gather");
            out.add(() -> {
                int t = t4[0]++;
                gk[t % copies].run(bins[t % rotate], 0, bouts[t % rotate], 0, null, 0, Parallel.SERIAL);
            });
        }
        if (wino == 0 && NchwcStridedWinogradConv.supports(g)) {
            for (int sm : new int[] {2, 4}) {
                NchwcStridedWinogradConv[] sk = new NchwcStridedWinogradConv[copies];
                for (int j = 0; j < copies; j++) {
                    sk[j] = NchwcStridedWinogradConv.prepare(g, sm, ws[j], 0, bias, e);
                }
                int[] t5 = {0};
                names.add("NCHWc s2 wino m" + sm);
                out.add(() -> {
                    int t = t5[0]++;
                    sk[t % copies].run(bins[t % rotate], 0, bouts[t % rotate], 0, null, 0, Parallel.SERIAL);
                });
            }
        }
        if (wino > 0) {
            int[] t3 = {0};
            names.add("NCHWc F" + wino);
            out.add(() -> {
                int t = t3[0]++;
                wk[t % copies].run(bins[t % rotate], 0, bouts[t % rotate], 0, null, 0, Parallel.SERIAL);
            });
        }
    }

    /** The NCHWc kernel of one layer spec, built with this class loader's classes (for {@code probe.builds}). */
    public static final class Target implements java.util.function.Function<String, Runnable> {
        @Override
        public Runnable apply(String spec) {
            List<String> names = new ArrayList<>();
            List<Runnable> out = new ArrayList<>();
            build(spec, Math.max(1, Integer.getInteger("probe.rotate", 8)), names, out);
            return out.get(1);
        }
    }

    /** {@code reorder,C,HxW}: NCHW to NCHWc and back, on the scalar and the default (vector) backend. */
    private static void reorders(String[] f, int rotate, Random r, List<String> names, List<Runnable> out) {
        int c = Integer.parseInt(f[1]);
        int spatial = Arrays.stream(f[2].split("x")).mapToInt(Integer::parseInt).reduce(1, (a, b) -> a * b);
        float[][] plain = new float[rotate][];
        float[][] blocked = new float[rotate][];
        for (int i = 0; i < rotate; i++) {
            plain[i] = random(r, c * spatial, 1f);
            blocked[i] = new float[(int) NchwcLayout.length(1, c, spatial)];
        }
        for (dev.vinfer.conv.Backend be : new dev.vinfer.conv.Backend[] {dev.vinfer.conv.Kernels.scalar(),
            dev.vinfer.conv.Kernels.backend()}) {
            int[] t = {0};
            names.add("to " + be.name());
            out.add(() -> {
                int i = t[0]++ % rotate;
                NchwcLayout.toBlocked(1, c, spatial, plain[i], 0, blocked[i], 0, Parallel.SERIAL, be);
            });
            int[] u = {0};
            names.add("from " + be.name());
            out.add(() -> {
                int i = u[0]++ % rotate;
                NchwcLayout.fromBlocked(1, c, spatial, blocked[i], 0, plain[i], 0, Parallel.SERIAL, be);
            });
        }
    }

    private static float[] random(Random r, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (r.nextFloat() * 2 - 1) * scale;
        }
        return x;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException ex) {
            return "?";
        }
    }
}
