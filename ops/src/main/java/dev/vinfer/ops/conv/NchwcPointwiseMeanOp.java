package dev.vinfer.ops.conv;

import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.NchwcPointwiseConv;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.PackedConstants;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * A blocked 1x1 convolution ({@link NchwcConvOp} of {@link NchwcConvOp.Kind#POINTWISE}, with its activation and
 * residual) and the GlobalAveragePool that alone reads it ({@link NchwcGlobalAveragePoolOp}) as one node: the means
 * come from {@link NchwcPointwiseConv#runMean}, output group by output group through a per-thread scratch plane,
 * so the convolution's output is never written whole (SqueezeNet's classifier, MobileNetV2's last 1x1, ResNet-50's
 * last block). Inputs are the convolution's (blocked x, weights, optional bias, optional residual); the output is
 * the pool's NCHW {@code [N, M, 1, 1]}. A shape the kernel does not run that way (a strided 1x1, a plane over
 * {@code NchwcPointwiseConv.MEAN_MAX_PIXELS} positions) runs the two steps through a per-thread buffer.
 */
public final class NchwcPointwiseMeanOp implements Operator, PackedConstants {
    private final NchwcConvOp conv;
    private final NchwcGlobalAveragePoolOp pool;
    /** The output shape for the last prepared kernel (a steady run allocates no shape array). */
    private volatile Shape last;
    /** The convolution's output for shapes {@link NchwcPointwiseConv#runMean} does not run. */
    private static final ThreadLocal<float[][]> BUFFER = ThreadLocal.withInitial(() -> new float[1][0]);

    private record Shape(NchwcConvOp.Prepared conv, int[] out) {
    }

    public NchwcPointwiseMeanOp(NchwcConvOp conv, NchwcGlobalAveragePoolOp pool) {
        if (conv.kind() != NchwcConvOp.Kind.POINTWISE) {
            throw new IllegalArgumentException("pointwise-mean fusion needs a blocked 1x1 Conv: " + conv.conv());
        }
        this.conv = conv;
        this.pool = java.util.Objects.requireNonNull(pool, "pool");
    }

    public NchwcConvOp conv() {
        return conv;
    }

    public NchwcGlobalAveragePoolOp pool() {
        return pool;
    }

    @Override
    public String opType() {
        return conv.opType() + ">GlobalAveragePool";
    }

    /** {@code nchwc_pointwise_mean}, or {@code nchwc_pointwise|nchwc} for a shape that runs as two steps. */
    @Override
    public String describe() {
        Shape s = last;
        return s != null && !((NchwcPointwiseConv) s.conv.kernel()).meanRuns() ? "nchwc_pointwise|nchwc"
                : "nchwc_pointwise_mean";
    }

    /**
     * Images x positions of the convolution's output for the last input shape, or 0 before a run: the
     * convolution's work, for a profile's FLOP count.
     */
    public long convPositions() {
        Shape s = last;
        if (s == null) {
            return 0;
        }
        int[] o = s.conv.outShape();
        return (long) o[0] * o[2] * o[3];
    }

    @Override
    public boolean packedInput(int index, Tensor constant) {
        return conv.packedInput(index, constant);
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        if (inputs.length < 2 || inputs[0] == null || inputs[1] == null) {
            throw new VinferException("NCHWc Conv+GlobalAveragePool: expected an input and weights, got "
                    + inputs.length + " inputs");
        }
        NchwcConvOp.Prepared p = conv.prepared(ctx, inputs);
        Shape s = last;
        if (s == null || s.conv != p) {
            int[] mid = p.outShape();
            s = new Shape(p, new int[] {mid[0], p.kernel().geometry().outChannels(), 1, 1});
            last = s;
        }
        Tensor y = ctx.output(0, DType.FLOAT32, s.out);
        if (ctx.preparing()) {
            return ctx.result(y);
        }
        NchwcPointwiseConv k = (NchwcPointwiseConv) p.kernel();
        if (k.meanRuns()) {
            Tensor x = inputs[0];
            Tensor res = conv.residual(p, inputs);
            k.runMean(x.floats(), x.offset(), y.floats(), y.offset(), res == null ? null : res.floats(),
                    res == null ? 0 : res.offset(), ctx.parallel());
        } else {
            // the intermediate the two nodes would have had as a tensor: held to the same element limit
            ctx.options().limits().checkShape(opType() + " " + conv.conv() + ": the convolution's output",
                    p.outShape());
            float[][] holder = BUFFER.get();
            long need = k.outputLength();
            if (holder[0].length < need) {
                holder[0] = new float[Math.toIntExact(need)];
            }
            int[] mid = p.outShape();
            conv.compute(ctx, p, inputs, holder[0], 0);
            NchwcLayout.globalAverage(mid[0], s.out[1], mid[2] * mid[3], holder[0], 0, y.floats(), y.offset());
        }
        return ctx.result(y);
    }

    @Override
    public String toString() {
        return "nchwc_pointwise_mean[" + conv.conv() + "]";
    }
}
