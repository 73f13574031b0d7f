package dev.vinfer.ops.legacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.ops.nn.TwoThreadContext;
import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The threaded, chunked float32 loops of Crop, ImageScaler and Affine against plain element-by-element loops of
 * their definitions, bit for bit: random seeded NCHW shapes (planes past one 2 K chunk and past one 64 K task, odd
 * sizes), inputs at an offset, one and two threads.
 */
class LegacyFloatPathsTest {

    @Test
    void cropImageScalerAndAffineMatchPlainLoops() {
        long seed = 20261128L;
        Random r = new Random(seed);
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int trial = 0; trial < 20; trial++) {
                int[] shape = {1 + r.nextInt(2), 1 + r.nextInt(4), 1 + r.nextInt(trial < 10 ? 9 : 300),
                    1 + r.nextInt(trial < 10 ? 9 : 300)};
                int n = shape[0] * shape[1] * shape[2] * shape[3];
                int offset = r.nextInt(5);
                float[] backing = new float[offset + n];
                for (int i = 0; i < n; i++) {
                    backing[offset + i] = (float) (50 * r.nextGaussian());
                }
                Tensor x = Tensor.wrap(DType.FLOAT32, backing, offset, shape);
                String what = "seed " + seed + " trial " + trial + " shape " + java.util.Arrays.toString(shape);
                int h = shape[2];
                int w = shape[3];
                int left = r.nextInt(w);
                int top = r.nextInt(h);
                int right = r.nextInt(w - left);
                int bottom = r.nextInt(h - top);
                float scale = (float) r.nextGaussian();
                float[] bias = new float[shape[1]];
                for (int c = 0; c < bias.length; c++) {
                    bias[c] = (float) (100 * r.nextGaussian());
                }
                double alpha = r.nextGaussian();
                double beta = 10 * r.nextGaussian();
                for (OpContext ctx : new OpContext[] {new TestContext(), two}) {
                    // Crop without scale: the borders cut off
                    Tensor y = new CropOp(new int[] {left, top, right, bottom}, null).run(ctx, new Tensor[] {x})[0];
                    int oh = h - top - bottom;
                    int ow = w - left - right;
                    assertArrayEquals(new int[] {shape[0], shape[1], oh, ow}, y.shape(), what);
                    for (int p = 0; p < shape[0] * shape[1]; p++) {
                        for (int i = 0; i < oh; i++) {
                            for (int j = 0; j < ow; j++) {
                                assertEquals(backing[offset + (p * h + top + i) * w + left + j],
                                        y.getFloat((p * oh + i) * ow + j), what + " crop " + p + "," + i + "," + j);
                            }
                        }
                    }
                    Tensor s = new ImageScalerOp(scale, bias).run(ctx, new Tensor[] {x})[0];
                    Tensor a = Affine.op(alpha, beta).run(ctx, new Tensor[] {x})[0];
                    for (int i = 0; i < n; i++) {
                        int c = i / (h * w) % shape[1];
                        assertEquals(scale * backing[offset + i] + bias[c], s.getFloat(i), what + " scaler " + i);
                        assertEquals((float) (alpha * backing[offset + i] + beta), a.getFloat(i),
                                what + " affine " + i);
                    }
                }
            }
        }
    }
}
