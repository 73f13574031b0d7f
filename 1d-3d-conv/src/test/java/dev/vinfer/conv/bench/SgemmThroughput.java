package dev.vinfer.conv.bench;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.Parallel;
import dev.vinfer.conv.PackedMatrix;
import dev.vinfer.conv.Sgemm;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * An informal throughput probe, not a test and not a benchmark harness: prints GFLOP/s of square SGEMMs per backend,
 * one thread and all threads. Run from the module directory after test-compile:
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes dev.vinfer.conv.bench.SgemmThroughput}
 */
public final class SgemmThroughput {
    public static void main(String[] args) {
        int[] sizes = args.length > 0 ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {256, 512, 1024};
        ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        Parallel all = new Parallel() {
            @Override
            public int threads() {
                return pool.getParallelism();
            }

            @Override
            public void forEach(int count, Task task) {
                ForkJoinTask<?>[] f = new ForkJoinTask<?>[count];
                for (int i = 0; i < count; i++) {
                    int idx = i;
                    f[i] = pool.submit(() -> task.run(idx));
                }
                for (ForkJoinTask<?> t : f) {
                    t.join();
                }
            }
        };
        java.util.List<Backend> backends = new java.util.ArrayList<>();
        Kernels.simd().ifPresent(backends::add);
        backends.add(Kernels.scalar());
        for (Backend be : backends) {
            Sgemm s = Sgemm.with(be);
            for (int n : sizes) {
                float[] a = random(n * n, 1);
                float[] b = random(n * n, 2);
                float[] c = new float[n * n];
                for (Parallel p : new Parallel[] {Parallel.SERIAL, all}) {
                    double best = 0;
                    long deadline = System.nanoTime() + 3_000_000_000L;
                    while (System.nanoTime() < deadline) {
                        long t0 = System.nanoTime();
                        s.multiply(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false, p);
                        long t1 = System.nanoTime();
                        best = Math.max(best, 2.0 * n * n * n / (t1 - t0));
                    }
                    PackedMatrix pb = s.packB(false, n, n, b, 0, n);
                    double bestPacked = 0;
                    deadline = System.nanoTime() + 2_000_000_000L;
                    while (System.nanoTime() < deadline) {
                        long t0 = System.nanoTime();
                        s.multiplyPackedB(false, n, a, 0, n, pb, c, 0, n, false, p);
                        long t1 = System.nanoTime();
                        bestPacked = Math.max(bestPacked, 2.0 * n * n * n / (t1 - t0));
                    }
                    System.out.printf("%-11s n=%4d threads=%d  %6.1f GFLOP/s  (prepacked B: %6.1f)%n", be.name(), n,
                            p.threads(), best, bestPacked);
                }
            }
        }
        pool.shutdown();
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }
}
