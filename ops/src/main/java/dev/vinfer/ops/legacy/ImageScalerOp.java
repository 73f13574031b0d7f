package dev.vinfer.ops.legacy;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * ImageScaler (experimental ONNX op, removed in opset 10, still in real opset-7 exports): {@code y = scale * x +
 * bias[c]} on an NCHW image batch.
 */
public final class ImageScalerOp implements Operator {
    /** Elements per task chunk: fits in L1 with room. */
    private static final int CHUNK = 2048;

    private final float scale;
    private final float[] bias;

    public ImageScalerOp(float scale, float[] bias) {
        this.scale = scale;
        this.bias = bias.clone();
    }

    @Override
    public String opType() {
        return "ImageScaler";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (x.dtype() != DType.FLOAT32 || x.rank() != 4) {
            throw new VinferException("ImageScaler needs a float32 NCHW tensor, got " + x);
        }
        int n = x.dim(0);
        int c = x.dim(1);
        if (bias.length != 0 && bias.length != c) {
            throw new VinferException("ImageScaler has " + bias.length + " biases for " + c + " channels");
        }
        int plane = x.dim(2) * x.dim(3);
        Tensor y = ctx.output(0, DType.FLOAT32, x.shape());
        float[] src = x.floats();
        float[] dst = y.floats();
        int xo = x.offset();
        int yo = y.offset();
        int planes = n * c;
        int chunks = (plane + CHUNK - 1) / CHUNK;
        // planes cut into chunks, across threads (at least 64 K elements per task)
        ctx.parallel().forRange(planes * chunks, Math.max(1, (1 << 16) / CHUNK), (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int p = t / chunks;
                int from = (t - p * chunks) * CHUNK;
                int len = Math.min(CHUNK, plane - from);
                float add = bias.length == 0 ? 0f : bias[p % c];
                int at = yo + p * plane + from;
                // copy, then rewrite in place: a loop from one float array into another at a different offset does
                // not vectorize (the JIT cannot rule out that they overlap), one over the same elements does
                if (src != dst || xo != yo) {
                    System.arraycopy(src, xo + p * plane + from, dst, at, len);
                }
                for (int i = at; i < at + len; i++) {
                    dst[i] = scale * dst[i] + add;
                }
            }
        });
        return new Tensor[] {y};
    }
}
