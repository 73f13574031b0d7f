package dev.vinfer.ops.conv;

import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.NchwcConvKernel;
import dev.vinfer.conv.NchwcDepthwiseConv;
import dev.vinfer.conv.NchwcDirectConv;
import dev.vinfer.conv.NchwcGatherConv;
import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.NchwcPointwiseConv;
import dev.vinfer.conv.NchwcReorderedConv;
import dev.vinfer.conv.NchwcStemConv;
import dev.vinfer.conv.NchwcStridedWinogradConv;
import dev.vinfer.conv.NchwcWeightBoundRule;
import dev.vinfer.conv.NchwcWinogradConv;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.PackedConstants;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * A {@link ConvOp} (a 2-D convolution with constant weights: 1x1, depthwise or any other one-group one, with its
 * fused activation and residual)
 * run on channel-blocked tensors: input, residual and output in {@link NchwcLayout}'s
 * {@code [N, ceil(C/16), H, W, 16]}. The optimizer's channel-blocked chains pass puts it in place of the ConvOp
 * inside a chain, with {@link NchwcReorderOp}s at the chain's edges; it computes what the ConvOp would, with the
 * kernels {@link NchwcPointwiseConv}, {@link NchwcDepthwiseConv}, {@link NchwcDirectConv} and
 * {@link NchwcWinogradConv}.
 *
 * <p>Inputs as the ConvOp's: x (blocked; plain NCHW for {@link Kind#STEM}), weights, optional bias, and with a
 * fused residual the other addend (blocked) at {@link ConvOp#RESIDUAL_INPUT}. The kernel is prepared for the first
 * input shape (in the session's preparation run when shapes are static) and again if the shape changes.
 */
public final class NchwcConvOp implements Operator, PackedConstants {
    private final ConvOp conv;
    private final Kind kind;
    private volatile Prepared last;

    /** Which blocked kernel computes the convolution. */
    public enum Kind {
        /** {@link NchwcPointwiseConv}: 1x1, unpadded, one group, any 2-D stride. */
        POINTWISE,
        /** {@link NchwcDepthwiseConv}: 2-D, one input and one output channel per group. */
        DEPTHWISE,
        /** {@link NchwcDirectConv}: 2-D, one group, any kernel, stride, dilation and padding. */
        DIRECT,
        /**
         * {@link NchwcWinogradConv}: 2-D, one group, 3x3, stride 1, dilation 1, where the shape's tiles fill its
         * register tiles ({@link NchwcWinogradConv#autoTileOutputs}: F(2,3) up to 16x16, F(4,3) above where its
         * tiles fill); a plane too small for that runs the NCHW kernel AUTO picks between reorders
         * ({@link NchwcReorderedConv}).
         */
        WINOGRAD,
        /**
         * {@link NchwcStemConv}: one group, few input channels, read from the <b>plain NCHW</b> input (the network's
         * input): a run's first layer, writing it blocked.
         */
        STEM,
        /**
         * {@link NchwcGatherConv}: one group, channel counts multiples of 16, any kernel, stride, dilation and
         * padding (the strided layers of ResNet); the 3x3/2 ones on planes where it saves products run
         * {@link NchwcStridedWinogradConv} instead ({@link NchwcStridedWinogradConv#autoTileOutputs}).
         */
        GATHER
    }

    /**
     * The kernel prepared for one input shape: {@code kernel}, or {@code dw} for a depthwise one (no residual);
     * {@code name} is what {@link #describe} says once prepared.
     */
    record Prepared(int[] inShape, NchwcConvKernel kernel, NchwcDepthwiseConv dw, String name, int[] outShape) {
    }

    /**
     * @param conv the convolution, with constant weights
     * @param kind the kernel to run it with (the convolution must be one it computes)
     */
    public NchwcConvOp(ConvOp conv, Kind kind) {
        if (conv.constantWeights() == null) {
            throw new IllegalArgumentException("NCHWc convolutions need constant weights");
        }
        this.conv = conv;
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    public ConvOp conv() {
        return conv;
    }

    /** Whether the kernel has been prepared for an input shape (at open when shapes are static, else at a run). */
    public boolean prepared() {
        return last != null;
    }

    @Override
    public String opType() {
        return conv.opType();
    }

    public Kind kind() {
        return kind;
    }

    /**
     * {@code nchwc_pointwise}, {@code nchwc_depthwise}, {@code nchwc_direct}, {@code nchwc_stem},
     * {@code nchwc_channels_last} ({@link Kind#GATHER}, or {@code nchwc_winograd_s2_m4} / {@code _m2} once prepared
     * where a 3x3/2 plane runs {@link NchwcStridedWinogradConv}); for {@link Kind#WINOGRAD}
     * {@code nchwc_winograd_f4_3} and so on once prepared (the tile size depends on the shape), {@code nchwc_winograd}
     * before, and {@code nchwc_reordered_winograd_f4_3} and so on when the shape runs the NCHW kernel between
     * reorders.
     */
    @Override
    public String describe() {
        Prepared p = last;
        if (p != null) {
            return p.name;
        }
        return switch (kind) {
            case POINTWISE -> "nchwc_pointwise";
            case DEPTHWISE -> "nchwc_depthwise";
            case DIRECT -> "nchwc_direct";
            case WINOGRAD -> "nchwc_winograd";
            case STEM -> "nchwc_stem";
            case GATHER -> "nchwc_channels_last";
        };
    }

    @Override
    public boolean packedInput(int index, Tensor constant) {
        return conv.hasStaticInput() && last != null && constant != null
                && ((index == 1 && constant == conv.constantWeights())
                        || (index == 2 && constant == conv.constantBias()));
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Prepared p = prepared(ctx, inputs);
        Tensor y = ctx.output(0, DType.FLOAT32, p.outShape);
        if (ctx.preparing()) {
            return ctx.result(y);
        }
        compute(ctx, p, inputs, y.floats(), y.offset());
        return ctx.result(y);
    }

    /** The kernel for the inputs' shape: the last one, or prepared now (kept once the session's preparation ends). */
    Prepared prepared(OpContext ctx, Tensor[] inputs) {
        return prepared(ctx, inputs[0], inputs[1], inputs.length > 2 ? inputs[2] : null);
    }

    /** As {@link #prepared(OpContext, Tensor[])} for input {@code x}, weights {@code w}, bias {@code b}. */
    Prepared prepared(OpContext ctx, Tensor x, Tensor w, Tensor b) {
        Prepared p = last;
        if (p != null && ConvOp.sameShape(x, p.inShape) && w == conv.constantWeights()
                && (b == null || b == conv.constantBias())) {
            return p; // a steady run: no shape copy
        }
        return prepared(ctx, x.shape(), x.dtype(), w, b);
    }

    /**
     * The kernel for an input of this shape and type (an intermediate of a fused node that exists only inside it:
     * {@link NchwcBottleneckOp}).
     */
    Prepared prepared(OpContext ctx, int[] xShape, DType xType, Tensor w, Tensor b) {
        if (w != conv.constantWeights() || (b != null && b != conv.constantBias())) {
            throw new VinferException("NCHWc Conv: weights and bias must be the constants it was built with");
        }
        Prepared p = last;
        if (p == null || !Arrays.equals(xShape, p.inShape)) {
            p = prepare(xShape, xType, w, b);
            if (ctx.preparing()) {
                Prepared q = p;
                ctx.preparation(() -> last = q);
            } else {
                last = p;
            }
        }
        return p;
    }

    /** Runs {@code p} on the inputs into {@code out} from {@code outOff} (its blocked {@code p.outShape()}). */
    void compute(OpContext ctx, Prepared p, Tensor[] inputs, float[] out, int outOff) {
        Tensor x = inputs[0];
        Tensor res = residual(p, inputs);
        if (p.kernel != null) {
            p.kernel.run(x.floats(), x.offset(), out, outOff, res == null ? null : res.floats(),
                    res == null ? 0 : res.offset(), ctx.parallel());
        } else {
            p.dw.run(x.floats(), x.offset(), out, outOff, ctx.parallel());
        }
    }

    /** The fused Add's other addend (checked: float32 of {@code p}'s blocked output shape), or null without one. */
    Tensor residual(Prepared p, Tensor[] inputs) {
        Tensor res = conv.hasResidual() ? inputs[ConvOp.RESIDUAL_INPUT] : null;
        if (res != null && (res.dtype() != DType.FLOAT32 || !ConvOp.sameShape(res, p.outShape))) {
            throw new VinferException("NCHWc Conv fused Add: the other addend must be a float32 " + Arrays.toString(
                    p.outShape) + " tensor, got " + res);
        }
        return res;
    }

    private Prepared prepare(int[] s, DType xType, Tensor w, Tensor b) {
        if (kind == Kind.STEM) {
            return stem(s, xType, w, b);
        }
        int[] ws = w.shape();
        if (xType != DType.FLOAT32 || w.dtype() != DType.FLOAT32 || s.length != 5 || ws.length != 4
                || s[4] != NchwcLayout.BLOCK) {
            throw new VinferException("NCHWc Conv: expected a float32 blocked [N, Cb, H, W, 16] input and 4-D "
                    + "weights, got " + xType + Arrays.toString(s) + " and " + w);
        }
        int channels = ws[1] * conv.attributes().group();
        if (s[1] != NchwcLayout.blocks(channels)) {
            throw new VinferException("NCHWc Conv: input " + Arrays.toString(s) + " does not hold the " + channels
                    + " channels the weights " + w + " read");
        }
        ConvGeometry g = conv.geometryFor(new int[] {s[0], channels, s[2], s[3]}, ws);
        float[] wf = w.floats();
        float[] bf = b == null ? null : Arrays.copyOfRange(b.floats(), b.offset(), b.offset() + g.outChannels());
        int[] out = {g.batch(), NchwcLayout.blocks(g.outChannels()), g.outputDim(0), g.outputDim(1),
            NchwcLayout.BLOCK};
        switch (kind) {
            case POINTWISE -> {
                if (!NchwcPointwiseConv.supports(g)) {
                    throw new VinferException("NCHWc Conv: not a 1x1 unpadded one-group convolution: " + g);
                }
                return new Prepared(s.clone(), NchwcPointwiseConv.prepare(g, wf, w.offset(), bf, conv.epilogue()),
                        null, "nchwc_pointwise", out);
            }
            case DEPTHWISE -> {
                if (!NchwcDepthwiseConv.supports(g)) {
                    throw new VinferException("NCHWc Conv: not a 2-D depthwise convolution: " + g);
                }
                return new Prepared(s.clone(), null, NchwcDepthwiseConv.prepare(g, wf, w.offset(), bf,
                        conv.epilogue()), "nchwc_depthwise", out);
            }
            case WINOGRAD -> {
                int m = NchwcWinogradConv.autoTileOutputs(g);
                if (m > 0) {
                    return new Prepared(s.clone(), NchwcWinogradConv.prepare(g, m, wf, w.offset(), bf,
                            conv.epilogue()), null, "nchwc_winograd_f" + m + "_3", out);
                }
                if (NchwcWeightBoundRule.runsDirect(g)) {
                    return direct(s, g, wf, w.offset(), bf, out); // weights streamed raw (NchwcWinogradConv)
                }
                return reordered(s, g, wf, w.offset(), bf, out); // a plane the NCHW kernels run faster
            }
            case GATHER -> {
                int sm = NchwcStridedWinogradConv.autoTileOutputs(g);
                if (sm > 0) {
                    return new Prepared(s.clone(), NchwcStridedWinogradConv.prepare(g, sm, wf, w.offset(), bf,
                            conv.epilogue()), null, "nchwc_winograd_s2_m" + sm, out);
                }
                if (NchwcGatherConv.supports(g)) {
                    return new Prepared(s.clone(), NchwcGatherConv.prepare(g, wf, w.offset(), bf, conv.epilogue()),
                            null, "nchwc_channels_last", out);
                }
                return reordered(s, g, wf, w.offset(), bf, out); // a layout too large for one array
            }
            default -> {
                return direct(s, g, wf, w.offset(), bf, out);
            }
        }
    }

    /** The NCHW kernel AUTO picks for {@code g}, between reorders ({@link NchwcReorderedConv}). */
    private Prepared reordered(int[] s, ConvGeometry g, float[] wf, int wOff, float[] bf, int[] out) {
        NchwcReorderedConv r = NchwcReorderedConv.prepare(g, wf, wOff, bf, conv.epilogue());
        return new Prepared(s.clone(), r, null,
                "nchwc_reordered_" + r.algorithm().name().toLowerCase(java.util.Locale.ROOT), out);
    }

    /** {@link Kind#STEM}: the input is a plain float32 {@code [N, C, H, W]} tensor. */
    private Prepared stem(int[] s, DType xType, Tensor w, Tensor b) {
        int[] ws = w.shape();
        if (xType != DType.FLOAT32 || w.dtype() != DType.FLOAT32 || s.length != 4 || ws.length != 4
                || conv.attributes().group() != 1) {
            throw new VinferException("NCHWc stem Conv: expected a float32 [N, C, H, W] input and 4-D weights of one "
                    + "group, got " + xType + Arrays.toString(s) + " and " + w);
        }
        if (s[1] != ws[1]) {
            throw new VinferException("NCHWc stem Conv: input " + Arrays.toString(s) + " has " + s[1]
                    + " channels, the weights " + w + " read " + ws[1]);
        }
        ConvGeometry g = conv.geometryFor(s, ws);
        if (!NchwcStemConv.supports(g)) {
            throw new VinferException("NCHWc stem Conv: input too large for its padded copy: " + g);
        }
        float[] bf = b == null ? null : Arrays.copyOfRange(b.floats(), b.offset(), b.offset() + g.outChannels());
        int[] out = {g.batch(), NchwcLayout.blocks(g.outChannels()), g.outputDim(0), g.outputDim(1),
            NchwcLayout.BLOCK};
        return new Prepared(s.clone(), NchwcStemConv.prepare(g, w.floats(), w.offset(), bf, conv.epilogue()), null,
                "nchwc_stem", out);
    }

    private Prepared direct(int[] s, ConvGeometry g, float[] wf, int wOff, float[] bf, int[] out) {
        if (!NchwcDirectConv.supports(g)) {
            throw new VinferException("NCHWc Conv: not a 2-D one-group convolution: " + g);
        }
        return new Prepared(s.clone(), NchwcDirectConv.prepare(g, wf, wOff, bf, conv.epilogue()), null,
                "nchwc_direct", out);
    }
}
