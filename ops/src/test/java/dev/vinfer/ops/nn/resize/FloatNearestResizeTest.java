package dev.vinfer.ops.nn.resize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/**
 * The float32 row path of nearest Resize copies exactly the elements {@link NearestGather} copies (bit for bit, NaN
 * payloads included): random seeded ranks 1-4, up- and downscales (integer and fractional), every coordinate
 * transform and rounding, tf_crop_and_resize with extrapolated rows and columns, an input view at an offset, serial
 * and split across threads.
 */
class FloatNearestResizeTest {
    private static final Parallel TWO = new Parallel() {
        @Override
        public int threads() {
            return 2;
        }

        @Override
        public void forEach(int count, Task task) {
            ForkJoinPool.commonPool().submit(() -> java.util.stream.IntStream.range(0, count).parallel()
                    .forEach(task::run)).join();
        }
    };

    @Test
    void matchesTheElementGather() {
        long seed = 31337L;
        Random r = new Random(seed);
        for (int trial = 0; trial < 200; trial++) {
            int rank = 1 + r.nextInt(4);
            int[] inShape = new int[rank];
            int[] outShape = new int[rank];
            double[] scales = new double[rank];
            for (int a = 0; a < rank; a++) {
                inShape[a] = 1 + r.nextInt(rank > 2 ? 9 : 30);
                scales[a] = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 0.3 + 2.5 * r.nextDouble();
                outShape[a] = Math.max(1, (int) Math.floor(inShape[a] * scales[a]));
            }
            CoordinateTransform t = CoordinateTransform.values()[r.nextInt(CoordinateTransform.values().length)];
            NearestRounding nr = NearestRounding.values()[r.nextInt(NearestRounding.values().length)];
            ResizeSpec spec = new ResizeSpec(ResizeMode.NEAREST, t, nr, -0.75, false, -7.5, false, null,
                    AspectRatioPolicy.STRETCH);
            AxisSampling[] sampling = new AxisSampling[rank];
            for (int a = 0; a < rank; a++) {
                double lo = -0.2 + 0.4 * r.nextDouble();
                sampling[a] = AxisSampling.of(spec, inShape[a], outShape[a], scales[a], lo, lo + 0.6 + r.nextDouble());
            }
            int n = Arrays.stream(inShape).reduce(1, (p, q) -> p * q);
            int offset = r.nextInt(4);
            float[] backing = new float[offset + n];
            for (int i = 0; i < backing.length; i++) {
                backing[i] = r.nextInt(50) == 0 ? Float.intBitsToFloat(0x7fc00000 + i) : (float) r.nextGaussian();
            }
            Tensor x = Tensor.wrap(DType.FLOAT32, backing, offset, inShape);
            Tensor want = Tensor.of(new float[Arrays.stream(outShape).reduce(1, (p, q) -> p * q)], outShape);
            NearestGather.gather(x, want, sampling, spec.extrapolationValue());
            for (Parallel p : new Parallel[] {Parallel.SERIAL, TWO}) {
                Tensor got = Tensor.of(new float[want.size()], outShape);
                FloatNearestResize.resize(x, got, sampling, spec.extrapolationValue(), p, 1);
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(Float.floatToRawIntBits(want.getFloat(i)), Float.floatToRawIntBits(got.getFloat(i)),
                            "seed " + seed + " trial " + trial + " " + t + " " + nr + " in "
                                    + Arrays.toString(inShape) + " out " + Arrays.toString(outShape) + " element "
                                    + i);
                }
            }
        }
    }
}
