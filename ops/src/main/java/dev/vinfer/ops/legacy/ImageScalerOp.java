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
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                float add = bias.length == 0 ? 0f : bias[ch];
                int base = (b * c + ch) * plane;
                for (int i = 0; i < plane; i++) {
                    dst[y.offset() + base + i] = scale * src[x.offset() + base + i] + add;
                }
            }
        }
        return new Tensor[] {y};
    }
}
