package dev.vinfer.ops.shape;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.ops.nn.TwoThreadContext;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pad's float32 row path copies exactly what the generic row gather copies (run on the same values as float64):
 * random seeded ranks 1-4, every mode, positive, zero and negative pads (crops), pads longer than the axis for
 * reflect and wrap, an input view at an offset, and tensors large enough that two threads split the rows.
 */
class FloatPadRowsTest {

    @Test
    void matchesTheGenericPath() {
        long seed = 2718L;
        Random r = new Random(seed);
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int trial = 0; trial < 160; trial++) {
                int rank = 1 + r.nextInt(4);
                boolean big = trial % 20 == 0;
                int[] shape = new int[rank];
                for (int a = 0; a < rank; a++) {
                    shape[a] = 1 + r.nextInt(big && a >= rank - 2 ? 200 : 7);
                }
                PadOp.Mode mode = PadOp.Mode.values()[r.nextInt(PadOp.Mode.values().length)];
                long[] pads = new long[2 * rank];
                for (int i = 0; i < pads.length; i++) {
                    int dim = shape[i % rank];
                    // crops keep at least one element per axis so that every mode applies
                    pads[i] = r.nextInt(4) == 0 ? -r.nextInt(Math.max(1, (dim - 1) / 2 + 1)) : r.nextInt(2 * dim + 2);
                }
                int n = Arrays.stream(shape).reduce(1, (p, q) -> p * q);
                int offset = r.nextInt(4);
                float[] backing = new float[offset + n];
                double[] wide = new double[n];
                for (int i = 0; i < n; i++) {
                    backing[offset + i] = (float) r.nextGaussian();
                    wide[i] = backing[offset + i];
                }
                float value = (float) r.nextGaussian();
                PadOp op = new PadOp(mode, pads, value);
                Tensor ref = op.run(new TestContext(), new Tensor[] {Tensor.of(wide, shape)})[0];
                Tensor x = Tensor.wrap(DType.FLOAT32, backing, offset, shape);
                String what = "seed " + seed + " trial " + trial + " " + mode + " shape " + Arrays.toString(shape)
                        + " pads " + Arrays.toString(pads);
                for (OpContext ctx : new OpContext[] {new TestContext(), two}) {
                    Tensor y = op.run(ctx, new Tensor[] {x})[0];
                    assertArrayEquals(ref.shape(), y.shape(), what);
                    for (int i = 0; i < y.size(); i++) {
                        assertEquals((float) ref.getDouble(i), y.getFloat(i), what + " element " + i);
                    }
                }
            }
        }
    }
}
