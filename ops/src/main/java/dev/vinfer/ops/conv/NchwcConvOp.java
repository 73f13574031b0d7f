package dev.vinfer.ops.conv;

import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.NchwcDepthwiseConv;
import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.NchwcPointwiseConv;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.PackedConstants;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * A {@link ConvOp} (a 1x1 or a 2-D depthwise convolution with constant weights, its fused activation and residual)
 * run on channel-blocked tensors: input, residual and output in {@link NchwcLayout}'s
 * {@code [N, ceil(C/16), H, W, 16]}. The optimizer's channel-blocked chains pass puts it in place of the ConvOp
 * inside a chain, with {@link NchwcReorderOp}s at the chain's edges; it computes what the ConvOp would, with the
 * kernels {@link NchwcPointwiseConv} and {@link NchwcDepthwiseConv}.
 *
 * <p>Inputs as the ConvOp's: x (blocked), weights, optional bias, and with a fused residual the other addend
 * (blocked) at {@link ConvOp#RESIDUAL_INPUT}. The kernel is prepared for the first input shape (in the session's
 * preparation run when shapes are static) and again if the shape changes.
 */
public final class NchwcConvOp implements Operator, PackedConstants {
    private final ConvOp conv;
    private final boolean pointwise;
    private volatile Prepared last;

    private record Prepared(int[] inShape, NchwcPointwiseConv pw, NchwcDepthwiseConv dw, int[] outShape) {
    }

    /**
     * @param conv      the convolution, with constant weights
     * @param pointwise true for a 1x1 stride-1 unpadded ungrouped conv, false for a 2-D depthwise one
     */
    public NchwcConvOp(ConvOp conv, boolean pointwise) {
        if (conv.constantWeights() == null) {
            throw new IllegalArgumentException("NCHWc convolutions need constant weights");
        }
        this.conv = conv;
        this.pointwise = pointwise;
    }

    public ConvOp conv() {
        return conv;
    }

    @Override
    public String opType() {
        return conv.opType();
    }

    @Override
    public String describe() {
        return pointwise ? "nchwc_pointwise" : "nchwc_depthwise";
    }

    @Override
    public boolean packedInput(int index, Tensor constant) {
        return conv.hasStaticInput() && last != null && constant != null
                && ((index == 1 && constant == conv.constantWeights()) || (index == 2 && constant == conv.constantBias()));
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        Tensor b = inputs.length > 2 ? inputs[2] : null;
        Tensor res = conv.hasResidual() ? inputs[ConvOp.RESIDUAL_INPUT] : null;
        if (w != conv.constantWeights() || (b != null && b != conv.constantBias())) {
            throw new VinferException("NCHWc Conv: weights and bias must be the constants it was built with");
        }
        Prepared p = last;
        if (p == null || !ConvOp.sameShape(x, p.inShape)) {
            p = prepare(x, w, b);
            if (ctx.preparing()) {
                Prepared q = p;
                ctx.preparation(() -> last = q);
            } else {
                last = p;
            }
        }
        Tensor y = ctx.output(0, DType.FLOAT32, p.outShape);
        if (ctx.preparing()) {
            return ctx.result(y);
        }
        if (res != null && (res.dtype() != DType.FLOAT32 || !ConvOp.sameShape(res, p.outShape))) {
            throw new VinferException("NCHWc Conv fused Add: the other addend must be a float32 " + Arrays.toString(
                    p.outShape) + " tensor, got " + res);
        }
        if (p.pw != null) {
            p.pw.run(x.floats(), x.offset(), y.floats(), y.offset(), res == null ? null : res.floats(),
                    res == null ? 0 : res.offset(), ctx.parallel());
        } else {
            p.dw.run(x.floats(), x.offset(), y.floats(), y.offset(), ctx.parallel());
        }
        return ctx.result(y);
    }

    private Prepared prepare(Tensor x, Tensor w, Tensor b) {
        int[] s = x.shape();
        int[] ws = w.shape();
        if (x.dtype() != DType.FLOAT32 || w.dtype() != DType.FLOAT32 || s.length != 5 || ws.length != 4
                || s[4] != NchwcLayout.BLOCK) {
            throw new VinferException("NCHWc Conv: expected a float32 blocked [N, Cb, H, W, 16] input and 4-D "
                    + "weights, got " + x + " and " + w);
        }
        int channels = ws[1] * conv.attributes().group();
        if (s[1] != NchwcLayout.blocks(channels)) {
            throw new VinferException("NCHWc Conv: input " + x + " does not hold the " + channels
                    + " channels the weights " + w + " read");
        }
        ConvGeometry g = conv.geometryFor(new int[] {s[0], channels, s[2], s[3]}, ws);
        float[] wf = w.floats();
        float[] bf = b == null ? null : Arrays.copyOfRange(b.floats(), b.offset(), b.offset() + g.outChannels());
        int[] out = {g.batch(), NchwcLayout.blocks(g.outChannels()), g.outputDim(0), g.outputDim(1),
            NchwcLayout.BLOCK};
        if (pointwise) {
            if (!NchwcPointwiseConv.supports(g)) {
                throw new VinferException("NCHWc Conv: not a 1x1 stride-1 unpadded convolution: " + g);
            }
            return new Prepared(s.clone(), NchwcPointwiseConv.prepare(g, wf, w.offset(), bf, conv.epilogue()), null,
                    out);
        }
        if (!NchwcDepthwiseConv.supports(g)) {
            throw new VinferException("NCHWc Conv: not a 2-D depthwise convolution: " + g);
        }
        return new Prepared(s.clone(), null, NchwcDepthwiseConv.prepare(g, wf, w.offset(), bf, conv.epilogue()), out);
    }
}
