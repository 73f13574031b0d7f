package dev.vinfer.conv.bench;

import dev.vinfer.conv.Parallel;
import dev.vinfer.conv.WinogradProbeAccess;
import java.util.Arrays;
import java.util.Random;

/**
 * An informal probe (not a test): one Winograd layer ({@code C,M,HxW,m}, 3x3 pad 1, bias + Relu) built with
 * several strip sizes (tile columns per strip; 0 = the budget's choice), all by columns, single runs alternated
 * in one JVM ({@code -Dprobe.flush=true}: cold caches). Prints per configuration the median and best thread CPU time (1 thread) or wall time (more), e.g.
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 1d-3d-conv/target/test-classes:1d-3d-conv/target/classes \
 *     dev.vinfer.conv.bench.WinogradStripProbe 64,64,56x56,4 1 600 0,30,45,60
 * </pre>
 */
public final class WinogradStripProbe {
    private WinogradStripProbe() {
    }

    /** {@code -Dprobe.flush=true}: 64 MiB written before every run (cold caches, as inside a network). */
    private static final float[] FLUSH = Boolean.getBoolean("probe.flush") ? new float[16 << 20] : null;

    public static void main(String[] args) {
        String[] l = args[0].split(",");
        int c = Integer.parseInt(l[0]);
        int m = Integer.parseInt(l[1]);
        String[] hw = l[2].split("x");
        int wm = Integer.parseInt(l[3]);
        int threads = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        int[] strips = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        Parallel p = threads == 1 ? Parallel.SERIAL : new ConvPairedProbe.SpinPool(threads);
        Random r = new Random(1);
        Runnable[] run = new Runnable[strips.length];
        for (int i = 0; i < strips.length; i++) {
            run[i] = WinogradProbeAccess.layer(c, m, Integer.parseInt(hw[0]), Integer.parseInt(hw[1]), wm, strips[i],
                    p, r);
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long[][] t = new long[strips.length][runs];
        for (int i = 0; i < Math.max(50, runs / 5); i++) {
            for (Runnable x : run) {
                x.run();
            }
        }
        for (int i = 0; i < runs; i++) {
            for (int b = 0; b < strips.length; b++) {
                int bb = (b + i) % strips.length;
                if (FLUSH != null) {
                    for (int j = 0; j < FLUSH.length; j += 16) {
                        FLUSH[j] += 1f;
                    }
                }
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                run[bb].run();
                t[bb][i] = threads == 1 ? mx.getCurrentThreadCpuTime() - c0 : System.nanoTime() - t0;
            }
        }
        System.out.printf("load %s%n", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        for (int b = 0; b < strips.length; b++) {
            Arrays.sort(t[b]);
            System.out.printf("%s %dT strip columns %4d: median %.3f best %.3f ms%n", args[0], threads, strips[b],
                    t[b][runs / 2] / 1e6, t[b][0] / 1e6);
        }
    }
}
