package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/** Shared test helpers: random data, the tolerance rule, the backends and thread pools to try. */
final class TestSupport {
    private TestSupport() {
    }

    /** A real two-thread {@link Parallel}, so task splitting and concurrent scratch use are exercised. */
    static final Parallel POOL = new Parallel() {
        private final ForkJoinPool pool = new ForkJoinPool(2);

        @Override
        public int threads() {
            return 2;
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

        @Override
        public String toString() {
            return "pool(2)";
        }
    };

    /** A {@link Parallel} claiming 5 threads (run serially): makes the splitters cut finer than 2 threads would. */
    static final Parallel FIVE = new Parallel() {
        @Override
        public int threads() {
            return 5;
        }

        @Override
        public void forEach(int count, Task task) {
            for (int i = count - 1; i >= 0; i--) { // reverse order: tasks must not depend on order
                task.run(i);
            }
        }

        @Override
        public String toString() {
            return "five(serial)";
        }
    };

    static final Parallel[] PARALLELS = {Parallel.SERIAL, POOL, FIVE};

    /** The scalar backend and, when this JVM can load it, the vector backend. */
    static List<Backend> backends() {
        List<Backend> b = new ArrayList<>();
        b.add(Kernels.scalar());
        Kernels.simd().ifPresent(b::add);
        return b;
    }

    static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    /**
     * The tolerance rule for every float-vs-double comparison here. A float32 sum of K products carries a rounding
     * error that grows roughly like {@code sqrt(K) * eps * |result|} (random-walk accumulation, eps = 6e-8), so we
     * allow {@code 1e-5 * sqrt(K)} (about 170 eps * sqrt(K)) relative to the largest |reference value| of the
     * output. Derived from that model, not tuned to make tests pass.
     */
    static double tolerance(int reductionLength, float[] reference, int off, int len) {
        double max = 0;
        for (int i = off; i < off + len; i++) {
            max = Math.max(max, Math.abs(reference[i]));
        }
        return 1e-5 * Math.sqrt(Math.max(1, reductionLength)) * Math.max(max, Float.MIN_NORMAL);
    }

    /** Fails with the context (seed, case) and the first bad index if any |actual - expected| exceeds the rule. */
    static void assertClose(String context, int reductionLength, float[] expected, int eOff, float[] actual, int aOff,
            int len) {
        assertClose(context, tolerance(reductionLength, expected, eOff, len), reductionLength, expected, eOff, actual,
                aOff, len);
    }

    /** As above with an algorithm's declared bound ({@link ConvAlgorithm#errorBound}) relative to max |expected|. */
    static void assertClose(String context, ConvAlgorithm algorithm, ConvGeometry g, float[] expected, int eOff,
            float[] actual, int aOff, int len) {
        double max = 0;
        for (int i = eOff; i < eOff + len; i++) {
            max = Math.max(max, Math.abs(expected[i]));
        }
        double tol = algorithm.errorBound(g) * Math.max(max, Float.MIN_NORMAL);
        assertClose(context, tol, g.reductionLength(), expected, eOff, actual, aOff, len);
    }

    /**
     * The largest slope of {@code e}: how much it can magnify an error in its input. Clamps, ReLU and tanh pass an
     * error on at most unchanged; leaky ReLU scales it by at most max(1, |alpha|), the sigmoid by 1/4, the hard
     * sigmoid by |alpha|; hard-swish, x (x/6 + 1/2) on [-3, 3], has slope x/3 + 1/2, up to 3/2.
     */
    static double slope(Epilogue e) {
        return switch (e.kind()) {
            case NONE, RELU, CLIP, TANH -> 1;
            case LEAKY_RELU -> Math.max(1, Math.abs(e.alpha()));
            case SIGMOID -> 0.25;
            case HARD_SIGMOID -> Math.abs(e.alpha());
            case HARD_SWISH -> 1.5;
        };
    }

    /**
     * An algorithm's declared bound ({@link ConvAlgorithm#errorBound}) checked through an epilogue and a residual.
     * The bound is relative to the largest |value| of the convolution itself ({@code convolution}: the reference
     * with its bias, without residual and epilogue), since that is what the algorithm's rounding scales with; a Clip
     * or a sigmoid caps the outputs but not the values inside the sums. The epilogue magnifies that error by at most
     * {@link #slope}. Added: 8 units in the last place of the larger of those magnitudes and 1 (residuals here are
     * within [-1, 1]), for the residual's add and the epilogue's own evaluation (a few ulps for exp and tanh).
     */
    static void assertCloseThrough(String context, ConvAlgorithm algorithm, ConvGeometry g, Epilogue e,
            float[] convolution, int cOff, float[] expected, int eOff, float[] actual, int aOff, int len) {
        double conv = 0;
        double out = 0;
        for (int i = 0; i < len; i++) {
            conv = Math.max(conv, Math.abs(convolution[cOff + i]));
            out = Math.max(out, Math.abs(expected[eOff + i]));
        }
        double tol = algorithm.errorBound(g) * slope(e) * Math.max(conv, Float.MIN_NORMAL)
                + 8 * Math.ulp((float) Math.max(1, Math.max(conv, out)));
        assertClose(context, tol, g.reductionLength(), expected, eOff, actual, aOff, len);
    }

    static void assertClose(String context, double tol, int reductionLength, float[] expected, int eOff,
            float[] actual, int aOff, int len) {
        for (int i = 0; i < len; i++) {
            float e = expected[eOff + i];
            float a = actual[aOff + i];
            if (!(Math.abs(e - a) <= tol)) {
                fail(context + ": at " + i + " expected " + e + " got " + a + " (|diff| " + Math.abs(e - a)
                        + " > tol " + tol + ", K=" + reductionLength + ")");
            }
        }
    }

    /**
     * A convolution with a Clip epilogue applied in the kernel's registers (Relu6 and an asymmetric one), its input
     * scaled by {@code inputScale} so that many outputs land on each bound (a wrong bound, a missing min or a
     * missing max shows), against {@link ConvReference} on every backend and parallel; outputs NaN-filled first.
     * With {@code declaredBound} the algorithm's {@link ConvAlgorithm#errorBound}, else the rule of
     * {@link #tolerance} with K + 1 (the bias).
     */
    static void clipInTheKernel(ConvGeometry g, ConvAlgorithm algorithm, long seed, float inputScale,
            boolean declaredBound) {
        java.util.Random r = new java.util.Random(seed);
        float[] w = random(r, g.weightLength());
        float[] bias = random(r, g.outChannels());
        float[] in = random(r, g.inputLength());
        for (int i = 0; i < in.length; i++) {
            in[i] *= inputScale;
        }
        for (Epilogue e : new Epilogue[] {Epilogue.clip(0f, 6f), Epilogue.clip(-1.5f, 0.5f)}) {
            float[] want = new float[g.outputLength()];
            ConvReference.conv(g, in, 0, w, 0, bias, e, want, 0);
            int atMin = 0;
            int atMax = 0;
            for (float v : want) {
                atMin += v == e.min() ? 1 : 0;
                atMax += v == e.max() ? 1 : 0;
            }
            org.junit.jupiter.api.Assertions.assertTrue(atMin > 10 && atMax > 10,
                    "seed=" + seed + " " + e + ": " + atMin + " at min, " + atMax + " at max");
            for (Backend be : backends()) {
                ConvKernel k = Convolutions.prepare(g, w, 0, bias, e, algorithm, be);
                for (Parallel p : PARALLELS) {
                    float[] out = new float[g.outputLength()];
                    java.util.Arrays.fill(out, Float.NaN);
                    k.run(in, 0, out, 0, p);
                    String where = "seed=" + seed + " " + e + " " + be.name() + " " + p;
                    if (declaredBound) {
                        assertClose(where, algorithm, g, want, 0, out, 0, out.length);
                    } else {
                        assertClose(where, g.reductionLength() + 1, want, 0, out, 0, out.length);
                    }
                }
            }
        }
    }
}
