package dev.vinfer.ops.conv.bench;

import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.Parallel;
import dev.vinfer.ops.conv.NchwcConcatOp;
import dev.vinfer.ops.conv.NchwcGlobalAveragePoolOp;
import dev.vinfer.ops.conv.NchwcMaxPoolOp;
import dev.vinfer.ops.nn.pool.GlobalPoolOp;
import dev.vinfer.ops.nn.pool.MaxPoolOp;
import dev.vinfer.ops.nn.pool.PaddingPolicy;
import dev.vinfer.ops.nn.pool.PoolWindow;
import dev.vinfer.ops.shape.ConcatOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * An informal probe (not a test): the channel-blocked pool and concat ops against vinfer's NCHW ones on the same
 * layer, one thread, single runs alternated in one JVM, CPU time (median), inputs rotated over
 * {@code -Dprobe.rotate} copies (default 8: in L3 or memory, as inside a network). A layer is
 * {@code max,C,HxW,k,stride,pad[,ceil]} (MaxPool: NCHW {@link MaxPoolOp} vs {@link NchwcMaxPoolOp}),
 * {@code gap,C,HxW} (GlobalAveragePool: NCHW {@link GlobalPoolOp} vs {@link NchwcGlobalAveragePoolOp} vs the lane
 * by lane loop it had before) or {@code cat,C1+C2,HxW} ({@link ConcatOp} vs {@link NchwcConcatOp}). Run from the
 * repository root after test-compile of ops:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 1d-3d-conv/target/classes:runtime/target/classes:ops/target/classes:\
 * ops/target/test-classes dev.vinfer.ops.conv.bench.NchwcPoolProbe 300 max,64,111x111,3,2,0,ceil gap,1008,13x13
 * </pre>
 */
public final class NchwcPoolProbe {
    private NchwcPoolProbe() {
    }

    /** One thread; outputs are fixed tensors per output index (no allocation in the timed runs). */
    private static final class Ctx implements OpContext {
        private final SessionOptions options = new SessionOptions();
        private final List<Tensor> outs = new ArrayList<>();

        @Override
        public Tensor output(int index, DType dtype, int... shape) {
            while (outs.size() <= index) {
                outs.add(null);
            }
            Tensor t = outs.get(index);
            if (t == null || !same(t, shape)) {
                t = Tensor.zeros(dtype, shape);
                outs.set(index, t);
            }
            return t;
        }

        private static boolean same(Tensor t, int[] shape) {
            if (t.rank() != shape.length) {
                return false;
            }
            for (int i = 0; i < shape.length; i++) {
                if (t.dim(i) != shape[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Tensor[] result(Tensor output) {
            return RESULT;
        }

        @Override
        public Parallel parallel() {
            return Parallel.SERIAL;
        }

        @Override
        public SessionOptions options() {
            return options;
        }

        @Override
        public Tensor[] runSubgraph(Graph graph, Tensor[] inputs) {
            throw new UnsupportedOperationException();
        }
    }

    private static final Tensor[] RESULT = new Tensor[1];

    public static void main(String[] args) {
        int runs = Integer.parseInt(args[0]);
        int rotate = Math.max(1, Integer.getInteger("probe.rotate", 8));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("backend %s, rotate %d%n", Kernels.backend().name(), rotate);
        for (int li = 1; li < args.length; li++) {
            List<String> names = new ArrayList<>();
            List<Runnable> variants = new ArrayList<>();
            build(args[li], rotate, names, variants);
            int v = variants.size();
            long[][] cpu = new long[v][runs];
            for (int warm = 0; warm < Math.max(200, runs / 2); warm++) {
                for (Runnable r : variants) {
                    r.run();
                }
            }
            long[] alloc = new long[v];
            com.sun.management.ThreadMXBean amx = (com.sun.management.ThreadMXBean) mx;
            long tid = Thread.currentThread().threadId();
            for (int i = 0; i < runs; i++) {
                for (int b = 0; b < v; b++) {
                    long a0 = amx.getThreadAllocatedBytes(tid);
                    long t0 = mx.getCurrentThreadCpuTime();
                    variants.get(b).run();
                    cpu[b][i] = mx.getCurrentThreadCpuTime() - t0;
                    alloc[b] += amx.getThreadAllocatedBytes(tid) - a0;
                }
            }
            StringBuilder sb = new StringBuilder(args[li]);
            double base = median(cpu[0]);
            for (int b = 0; b < v; b++) {
                double m = median(cpu[b]);
                sb.append(String.format("%n  %-22s %8.4f ms  x%.2f of first  (%d B/run)", names.get(b), m / 1e6,
                        m / base, alloc[b] / runs));
            }
            System.out.println(sb);
        }
    }

    private static double median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static Tensor[] inputs(Random r, int rotate, int... shape) {
        Tensor[] t = new Tensor[rotate];
        int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        for (int i = 0; i < rotate; i++) {
            float[] d = new float[n];
            for (int j = 0; j < n; j++) {
                d[j] = (float) r.nextGaussian();
            }
            t[i] = Tensor.of(d, shape);
        }
        return t;
    }

    /** The blocked copies of NCHW tensors {@code [N, C, H, W]} (pad lanes zero). */
    private static Tensor[] blocked(Tensor[] x, int c) {
        Tensor[] t = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            int[] s = x[i].shape();
            int spatial = s[2] * s[3];
            // -Dprobe.offset=k: the blocked data from float k of its array (12: 64-byte vectors in a humongous array)
            int off = Integer.getInteger("probe.offset", 0);
            float[] d = new float[(int) NchwcLayout.length(s[0], c, spatial) + off];
            NchwcLayout.toBlocked(s[0], c, spatial, x[i].floats(), x[i].offset(), d, off, Parallel.SERIAL);
            t[i] = Tensor.wrap(DType.FLOAT32, d, off, s[0], NchwcLayout.blocks(c), s[2], s[3], NchwcLayout.BLOCK);
        }
        return t;
    }

    /** Runs {@code op} on input set k, k rotating. */
    private static Runnable rotating(Operator op, Tensor[][] in) {
        Ctx ctx = new Ctx();
        int[] k = {0};
        return () -> {
            op.run(ctx, in[k[0]]);
            k[0] = (k[0] + 1) % in.length;
        };
    }

    private static Tensor[][] one(Tensor[] x) {
        Tensor[][] t = new Tensor[x.length][];
        for (int i = 0; i < x.length; i++) {
            t[i] = new Tensor[] {x[i]};
        }
        return t;
    }

    private static void build(String spec, int rotate, List<String> names, List<Runnable> variants) {
        String[] f = spec.split(",");
        Random r = new Random(42);
        switch (f[0]) {
            case "max" -> {
                int c = Integer.parseInt(f[1]);
                String[] hw = f[2].split("x");
                int h = Integer.parseInt(hw[0]);
                int w = Integer.parseInt(hw[1]);
                int k = Integer.parseInt(f[3]);
                int s = Integer.parseInt(f[4]);
                int p = Integer.parseInt(f[5]);
                boolean ceil = f.length > 6 && f[6].equals("ceil");
                PoolWindow win = new PoolWindow(new int[] {k, k}, new int[] {s, s}, new int[] {1, 1},
                        new int[] {p, p, p, p}, PaddingPolicy.EXPLICIT, ceil);
                Tensor[] x = inputs(r, rotate, 1, c, h, w);
                names.add("NCHW MaxPoolOp");
                variants.add(rotating(new MaxPoolOp(win, false, false), one(x)));
                names.add("NCHWc MaxPoolOp");
                Tensor[][] xb = one(blocked(x, c));
                variants.add(rotating(new NchwcMaxPoolOp(win, c), xb));
            }
            case "gap" -> {
                int c = Integer.parseInt(f[1]);
                String[] hw = f[2].split("x");
                int h = Integer.parseInt(hw[0]);
                int w = Integer.parseInt(hw[1]);
                Tensor[] x = inputs(r, rotate, 1, c, h, w);
                Tensor[] xb = blocked(x, c);
                names.add("NCHW GlobalPoolOp");
                variants.add(rotating(new GlobalPoolOp(GlobalPoolOp.Kind.AVERAGE, 2), one(x)));
                names.add("NCHWc op (vector)");
                variants.add(rotating(new NchwcGlobalAveragePoolOp(c), one(xb)));
                names.add("NCHWc lane loop (old)");
                float[] out = new float[c];
                int[] k = {0};
                variants.add(() -> {
                    laneLoop(1, c, h * w, xb[k[0]].floats(), 0, out, 0);
                    k[0] = (k[0] + 1) % xb.length;
                });
                names.add("NCHWc scalar backend");
                int[] k2 = {0};
                variants.add(() -> {
                    NchwcLayout.globalAverage(1, c, h * w, xb[k2[0]].floats(), 0, out, 0, Kernels.scalar());
                    k2[0] = (k2[0] + 1) % xb.length;
                });
            }
            case "cat" -> {
                String[] cs = f[1].split("\\+");
                int[] chans = Arrays.stream(cs).mapToInt(Integer::parseInt).toArray();
                String[] hw = f[2].split("x");
                int h = Integer.parseInt(hw[0]);
                int w = Integer.parseInt(hw[1]);
                Tensor[][] x = new Tensor[rotate][chans.length];
                Tensor[][] xb = new Tensor[rotate][chans.length];
                for (int i = 0; i < chans.length; i++) {
                    Tensor[] a = inputs(r, rotate, 1, chans[i], h, w);
                    Tensor[] b = blocked(a, chans[i]);
                    for (int j = 0; j < rotate; j++) {
                        x[j][i] = a[j];
                        xb[j][i] = b[j];
                    }
                }
                names.add("NCHW ConcatOp");
                variants.add(rotating(new ConcatOp(1), x));
                names.add("NCHWc ConcatOp");
                variants.add(rotating(new NchwcConcatOp(chans), xb));
            }
            default -> throw new IllegalArgumentException(spec);
        }
    }

    /** NchwcLayout.globalAverage as it was: each lane summed on its own, one add waiting for the one before. */
    private static void laneLoop(int batch, int channels, int spatial, float[] src, int srcOff, float[] dst,
            int dstOff) {
        int blocks = NchwcLayout.blocks(channels);
        for (int n = 0; n < batch; n++) {
            for (int b = 0; b < blocks; b++) {
                int base = srcOff + (n * blocks + b) * spatial * 16;
                int lanes = Math.min(16, channels - b * 16);
                for (int l = 0; l < lanes; l++) {
                    float s = 0f;
                    for (int p = 0, i = base + l; p < spatial; p++, i += 16) {
                        s += src[i];
                    }
                    dst[dstOff + n * channels + b * 16 + l] = s / spatial;
                }
            }
        }
    }
}
