package dev.vinfer.bench.int8;

import dev.vinfer.conv.PackedMatrix;
import dev.vinfer.conv.Parallel;
import dev.vinfer.conv.Sgemm;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The candidate inner kernels of an int8 GEMM {@code C[M x N] = A[M x K] * B[K x N]} (A: centered uint8
 * activations, B: int8 weights, s32 results), single-threaded, on the Vector API of this JDK, which exposes no
 * VNNI ({@code vpdpbusd}) nor {@code vpmaddwd}:
 * <ul>
 * <li>{@code floatExact}: the operands as floats through vinfer's packed SGEMM micro-kernel (16-lane FMA), exact
 * because every partial sum stays within 2^24 (what vinfer ships);</li>
 * <li>{@code int32Lanes}: bytes widened to int lanes ({@code B2I}), {@code mul} + {@code add} in 16 int lanes;</li>
 * <li>{@code shortPairs}: B packed as interleaved 16-bit pairs read as int lanes, split with shifts, two int
 * multiplies and adds per pair (an emulation of {@code vpmaddwd});</li>
 * <li>{@code c2VnniPairs}: plain Java in the shape HotSpot's auto-vectorizer turns into AVX-512 VNNI
 * {@code vpdpwssd} (16-bit pairs, 32 multiply-adds per instruction; checked in the printed machine code):
 * {@code c[j] += x[2j] * y[2j] + x[2j + 1] * y[2j + 1]} over short arrays, with B as interleaved pairs and the
 * pair of A replicated into a short row before each pass (the pattern needs both operands as arrays);</li>
 * <li>{@code scalarInt}: the plain int loop (the reference).</li>
 * </ul>
 * Each reports time per GEMM; MACs = M * N * K.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Int8KernelBenchmark {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

    /** M x N x K: a ResNet-50 stage-3 3x3 conv as GEMM (256 outputs, 14x14 pixels, 256 x 9) and a 1x1 one. */
    @Param({"256x196x2304", "64x3136x64"})
    String shape;

    private int m;
    private int n;
    private int k;
    private float[] af;
    private PackedMatrix bPacked;
    private float[] cf;
    private int[] ai;
    private byte[] bBytes;
    private short[] bPairs;
    private int[] ci;
    private short[] aPairRow;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        Random r = new Random(1);
        ai = new int[m * k];
        af = new float[m * k];
        for (int i = 0; i < ai.length; i++) {
            ai[i] = r.nextInt(256) - 128;
            af[i] = ai[i];
        }
        bBytes = new byte[k * n];
        float[] bf = new float[k * n];
        for (int i = 0; i < bBytes.length; i++) {
            bBytes[i] = (byte) (r.nextInt(255) - 127);
            bf[i] = bBytes[i];
        }
        bPacked = Sgemm.get().packB(false, k, n, bf, 0, n);
        bPairs = new short[k * n];
        for (int kk = 0; kk < k; kk += 2) {
            for (int j = 0; j < n; j++) {
                bPairs[(kk / 2) * 2 * n + 2 * j] = bBytes[kk * n + j];
                bPairs[(kk / 2) * 2 * n + 2 * j + 1] = bBytes[(kk + 1) * n + j];
            }
        }
        cf = new float[m * n];
        ci = new int[m * n];
        aPairRow = new short[2 * n];
        int[] expected = scalarInt().clone();
        if (!java.util.Arrays.equals(expected, c2VnniPairs())) {
            throw new IllegalStateException("c2VnniPairs differs from the scalar reference");
        }
    }

    @Benchmark
    public float[] floatExact() {
        Sgemm.get().multiplyPackedB(false, m, af, 0, k, bPacked, cf, 0, n, false, Parallel.SERIAL);
        return cf;
    }

    @Benchmark
    public int[] int32Lanes() {
        int lanes = I.length();
        for (int i = 0; i < m; i += 4) {
            for (int j = 0; j + lanes <= n; j += lanes) {
                IntVector c0 = IntVector.zero(I);
                IntVector c1 = c0;
                IntVector c2 = c0;
                IntVector c3 = c0;
                for (int t = 0; t < k; t++) {
                    IntVector b = (IntVector) ByteVector.fromArray(B128, bBytes, t * n + j)
                            .convertShape(VectorOperators.B2I, I, 0);
                    c0 = c0.add(b.mul(ai[i * k + t]));
                    c1 = c1.add(b.mul(ai[(i + 1) * k + t]));
                    c2 = c2.add(b.mul(ai[(i + 2) * k + t]));
                    c3 = c3.add(b.mul(ai[(i + 3) * k + t]));
                }
                c0.intoArray(ci, i * n + j);
                c1.intoArray(ci, (i + 1) * n + j);
                c2.intoArray(ci, (i + 2) * n + j);
                c3.intoArray(ci, (i + 3) * n + j);
            }
        }
        return ci;
    }

    @Benchmark
    public int[] shortPairs() {
        int lanes = I.length();
        for (int i = 0; i < m; i += 4) {
            for (int j = 0; j + lanes <= n; j += lanes) {
                IntVector c0 = IntVector.zero(I);
                IntVector c1 = c0;
                IntVector c2 = c0;
                IntVector c3 = c0;
                for (int t = 0; t < k; t += 2) {
                    IntVector pair = ShortVector.fromArray(S, bPairs, (t / 2) * 2 * n + 2 * j).reinterpretAsInts();
                    IntVector even = pair.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
                    IntVector odd = pair.lanewise(VectorOperators.ASHR, 16);
                    c0 = c0.add(even.mul(ai[i * k + t])).add(odd.mul(ai[i * k + t + 1]));
                    c1 = c1.add(even.mul(ai[(i + 1) * k + t])).add(odd.mul(ai[(i + 1) * k + t + 1]));
                    c2 = c2.add(even.mul(ai[(i + 2) * k + t])).add(odd.mul(ai[(i + 2) * k + t + 1]));
                    c3 = c3.add(even.mul(ai[(i + 3) * k + t])).add(odd.mul(ai[(i + 3) * k + t + 1]));
                }
                c0.intoArray(ci, i * n + j);
                c1.intoArray(ci, (i + 1) * n + j);
                c2.intoArray(ci, (i + 2) * n + j);
                c3.intoArray(ci, (i + 3) * n + j);
            }
        }
        return ci;
    }

    @Benchmark
    public int[] c2VnniPairs() {
        short[] rep = aPairRow;
        for (int i = 0; i < m; i++) {
            int cOff = i * n;
            java.util.Arrays.fill(ci, cOff, cOff + n, 0);
            for (int t = 0; t < k; t += 2) {
                short a0 = (short) ai[i * k + t];
                short a1 = (short) ai[i * k + t + 1];
                for (int j = 0; j < n; j++) {
                    rep[2 * j] = a0;
                    rep[2 * j + 1] = a1;
                }
                mulAddPairs(ci, cOff, rep, bPairs, (t / 2) * 2 * n, n);
            }
        }
        return ci;
    }

    /** The loop shape C2 compiles to {@code vpdpwssd} (AddVI of MulAddVS2VI) on AVX-512 VNNI. */
    private static void mulAddPairs(int[] c, int cOff, short[] x, short[] y, int yOff, int n) {
        for (int j = 0; j < n; j++) {
            c[cOff + j] += x[2 * j] * y[yOff + 2 * j] + x[2 * j + 1] * y[yOff + 2 * j + 1];
        }
    }

    @Benchmark
    public int[] scalarInt() {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                ci[i * n + j] = 0;
            }
            for (int t = 0; t < k; t++) {
                int a = ai[i * k + t];
                for (int j = 0; j < n; j++) {
                    ci[i * n + j] += a * bBytes[t * n + j];
                }
            }
        }
        return ci;
    }
}
