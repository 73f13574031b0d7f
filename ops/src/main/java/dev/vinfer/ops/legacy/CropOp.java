package dev.vinfer.ops.legacy;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * Crop (experimental ONNX op, removed in opset 10): cuts an NCHW image. {@code border} is (left, top, right,
 * bottom); with {@code scale} (height, width) the output has that size, starting at (top, left); without it the
 * borders are cut off.
 */
public final class CropOp implements Operator {
    private final int[] border;
    private final int[] scale;

    public CropOp(int[] border, int[] scale) {
        this.border = border.clone();
        this.scale = scale == null ? null : scale.clone();
    }

    @Override
    public String opType() {
        return "Crop";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (x.rank() != 4) {
            throw new VinferException("Crop needs an NCHW tensor, got " + x);
        }
        int h = x.dim(2);
        int w = x.dim(3);
        int left = border[0];
        int top = border[1];
        int outH = scale != null ? scale[0] : h - top - border[3];
        int outW = scale != null ? scale[1] : w - left - border[2];
        if (left < 0 || top < 0 || outH < 0 || outW < 0 || top + outH > h || left + outW > w) {
            throw new VinferException("Crop border " + java.util.Arrays.toString(border) + " / scale "
                    + java.util.Arrays.toString(scale) + " does not fit " + x);
        }
        int planes = x.dim(0) * x.dim(1);
        Tensor y = ctx.output(0, x.dtype(), x.dim(0), x.dim(1), outH, outW);
        Object src = x.data();
        Object dst = y.data();
        int xo = x.offset();
        int yo = y.offset();
        // rows across threads, at least 64 K elements per task (below that a second thread costs more than it saves)
        int minRows = Math.max(1, (1 << 16) / Math.max(1, outW));
        ctx.parallel().forRange(planes * outH, minRows, (r0, r1) -> {
            for (int pr = r0; pr < r1; pr++) {
                int p = pr / Math.max(1, outH);
                int r = pr - p * outH;
                System.arraycopy(src, xo + (p * h + top + r) * w + left, dst, yo + pr * outW, outW);
            }
        });
        return new Tensor[] {y};
    }
}
