package dev.vinfer.quantization.exec;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * com.microsoft QLinearGlobalAveragePool on bytes (NCHW... layout): the exact integer sum of {@code x - zx} per
 * (n, c), requantized with the reference's float32 multiplier {@code x_scale / (y_scale * count)}, product in
 * float32, round half to even and saturation as the reference op does.
 */
final class ByteGlobalAveragePoolOp implements Operator {
    private final QParams x;
    private final QParams y;

    ByteGlobalAveragePoolOp(QParams x, QParams y) {
        this.x = x;
        this.y = y;
    }

    @Override
    public String opType() {
        return "QLinearGlobalAveragePool(int8)";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor xt = in[0];
        if (xt.dtype() != x.dtype() || xt.rank() < 3) {
            throw new VinferException(opType() + " expects a " + x.dtype().displayName()
                    + " input of rank >= 3, got " + xt);
        }
        int n = xt.dim(0);
        int c = xt.dim(1);
        int spatial = xt.size() / Math.max(1, n * c);
        int[] outShape = new int[xt.rank()];
        java.util.Arrays.fill(outShape, 1);
        outShape[0] = n;
        outShape[1] = c;
        Tensor yt = ctx.output(0, y.dtype(), outShape);
        float multiplier = spatial == 0 ? 0f : x.scale() / (y.scale() * spatial);
        byte[] xb = xt.bytes();
        byte[] yb = yt.bytes();
        int mask = x.unsigned() ? 0xFF : -1;
        for (int r = 0; r < n * c; r++) {
            int base = xt.offset() + r * spatial;
            long sum = 0;
            for (int s = 0; s < spatial; s++) {
                sum += xb[base + s] & mask;
            }
            sum -= (long) spatial * x.zeroPoint();
            double v = Math.rint((float) sum * multiplier);
            long q = (long) Math.max(-1e12, Math.min(1e12, Double.isNaN(v) ? 0 : v)) + y.zeroPoint();
            yb[yt.offset() + r] = (byte) Math.max(y.qmin(), Math.min(y.qmax(), q));
        }
        return new Tensor[] {yt};
    }
}
