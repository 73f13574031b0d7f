package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * ConvInteger: the int32 convolution of (x - x_zero_point) and (w - w_zero_point). Inputs: x, w (int8/uint8),
 * optional x_zero_point (per tensor) and w_zero_point (per tensor or per output channel), both defaulting to 0.
 */
public final class ConvIntegerOp implements Operator {
    private final ConvGeometry geometry;

    public ConvIntegerOp(ConvGeometry geometry) {
        this.geometry = geometry;
    }

    /** The convolution attributes (for rewriting the op onto a faster kernel). */
    public ConvGeometry geometry() {
        return geometry;
    }

    @Override
    public String opType() {
        return "ConvInteger";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor x = in[0];
        Tensor w = in[1];
        for (Tensor t : new Tensor[] {x, w}) {
            if (t.dtype() != DType.INT8 && t.dtype() != DType.UINT8) {
                throw new VinferException("ConvInteger takes int8 or uint8 operands, got " + t.dtype().displayName());
            }
        }
        IntegerConv.Shape shape = IntegerConv.shape(x.shape(), w.shape(), geometry);
        int xZeroPoint = QuantMath.scalarZeroPoint(in.length > 2 ? in[2] : null, "x_zero_point");
        int[] wZeroPoints = Centering.channelZeroPoints(in.length > 3 ? in[3] : null, shape.outChannels(),
                "w_zero_point");
        int[] acc = IntegerConv.convolve(Centering.centered(x, xZeroPoint),
                Centering.centeredPerChannel(w, wZeroPoints), shape);
        Tensor y = ctx.output(0, DType.INT32, shape.outputShape());
        System.arraycopy(acc, 0, y.ints(), y.offset(), acc.length);
        return new Tensor[] {y};
    }
}
