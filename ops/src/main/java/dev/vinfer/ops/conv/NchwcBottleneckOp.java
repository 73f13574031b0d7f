package dev.vinfer.ops.conv;

import dev.vinfer.conv.NchwcInvertedBottleneck;
import dev.vinfer.conv.NchwcPointwiseConv;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.PackedConstants;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * An inverted bottleneck of blocked convolutions as one node: an optional 1x1 expansion, a depthwise convolution and
 * a 1x1 projection with its optional fused residual ({@link NchwcConvOp}s, 1x1 ones of stride 1), run by
 * {@link NchwcInvertedBottleneck} band by band of output rows, each band on one thread from the input to the output.
 * The expanded and filtered tensors are the kernel's per-thread scratch, not values of the graph.
 *
 * <p>Inputs: {@link #X} the blocked input, the expansion's weights and bias at {@link #EXPAND} and the next index
 * (null without an expansion), the depthwise's at {@link #DEPTHWISE}, the projection's at {@link #PROJECT}, and with
 * a residual the other addend (blocked) at {@link #RESIDUAL}.
 */
public final class NchwcBottleneckOp implements Operator, PackedConstants {
    public static final int X = 0;
    public static final int EXPAND = 1;
    public static final int DEPTHWISE = 3;
    public static final int PROJECT = 5;
    public static final int RESIDUAL = 7;

    private final NchwcConvOp expand;
    private final NchwcConvOp dw;
    private final NchwcConvOp project;
    private volatile Chain last;

    /** The kernel built from the three prepared ones it was built from (the same objects: same shapes). */
    private record Chain(NchwcConvOp.Prepared e, NchwcConvOp.Prepared d, NchwcConvOp.Prepared p,
            NchwcInvertedBottleneck kernel) {
    }

    /**
     * @param expand a 1x1 blocked convolution of stride 1 without a residual, or null
     * @param dw a blocked depthwise convolution
     * @param project a 1x1 blocked convolution of stride 1, with or without a residual
     */
    public NchwcBottleneckOp(NchwcConvOp expand, NchwcConvOp dw, NchwcConvOp project) {
        if (expand != null && (!unstridedPointwise(expand) || expand.conv().hasResidual())) {
            throw new IllegalArgumentException("bottleneck expansion must be a 1x1 stride-1 blocked Conv: " + expand);
        }
        if (dw.kind() != NchwcConvOp.Kind.DEPTHWISE || dw.conv().hasResidual()) {
            throw new IllegalArgumentException("bottleneck middle must be a blocked depthwise Conv: " + dw);
        }
        if (!unstridedPointwise(project)) {
            throw new IllegalArgumentException("bottleneck projection must be a 1x1 stride-1 blocked Conv: " + project);
        }
        this.expand = expand;
        this.dw = dw;
        this.project = project;
    }

    /** Whether {@code c} is a blocked 1x1 convolution of stride 1 on every axis. */
    public static boolean unstridedPointwise(NchwcConvOp c) {
        if (c.kind() != NchwcConvOp.Kind.POINTWISE) {
            return false;
        }
        int[] strides = c.conv().attributes().strides();
        if (strides != null) {
            for (int s : strides) {
                if (s != 1) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether its convolutions' kernels have been prepared for an input shape (at open when shapes are static). */
    public boolean prepared() {
        return dw.prepared() && project.prepared() && (expand == null || expand.prepared());
    }

    public boolean hasResidual() {
        return project.conv().hasResidual();
    }

    @Override
    public String opType() {
        return (expand == null ? "" : expand.opType() + ">") + dw.opType() + ">" + project.opType();
    }

    @Override
    public String describe() {
        return "nchwc_bottleneck";
    }

    @Override
    public boolean packedInput(int index, Tensor constant) {
        if (index >= EXPAND && index < DEPTHWISE) {
            return expand != null && expand.packedInput(index - EXPAND + 1, constant);
        }
        if (index >= DEPTHWISE && index < PROJECT) {
            return dw.packedInput(index - DEPTHWISE + 1, constant);
        }
        if (index >= PROJECT && index < RESIDUAL) {
            return project.packedInput(index - PROJECT + 1, constant);
        }
        return false;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        if (inputs.length < RESIDUAL || (hasResidual() && (inputs.length <= RESIDUAL || inputs[RESIDUAL] == null))) {
            throw new VinferException("NCHWc bottleneck: expected " + (RESIDUAL + (hasResidual() ? 1 : 0))
                    + " inputs, got " + inputs.length);
        }
        Tensor x = inputs[X];
        if (x == null || x.dtype() != DType.FLOAT32) {
            throw new VinferException("NCHWc bottleneck: expected a float32 blocked input, got " + x);
        }
        NchwcConvOp.Prepared pe = expand == null ? null
                : expand.prepared(ctx, x, inputs[EXPAND], inputs[EXPAND + 1]);
        NchwcConvOp.Prepared pd = pe == null ? dw.prepared(ctx, x, inputs[DEPTHWISE], inputs[DEPTHWISE + 1])
                : dw.prepared(ctx, pe.outShape(), DType.FLOAT32, inputs[DEPTHWISE], inputs[DEPTHWISE + 1]);
        NchwcConvOp.Prepared pp = project.prepared(ctx, pd.outShape(), DType.FLOAT32, inputs[PROJECT],
                inputs[PROJECT + 1]);
        Chain c = last;
        if (c == null || c.e != pe || c.d != pd || c.p != pp) {
            try {
                c = new Chain(pe, pd, pp, NchwcInvertedBottleneck.of(pe == null ? null
                        : (NchwcPointwiseConv) pe.kernel(), pd.dw(), (NchwcPointwiseConv) pp.kernel()));
            } catch (IllegalArgumentException | ClassCastException e) {
                throw new VinferException("NCHWc bottleneck: the three convolutions do not chain for input "
                        + Arrays.toString(x.shape()) + ": " + e.getMessage());
            }
            last = c;
        }
        Tensor y = ctx.output(0, DType.FLOAT32, pp.outShape());
        if (ctx.preparing()) {
            return ctx.result(y);
        }
        Tensor res = hasResidual() ? inputs[RESIDUAL] : null;
        if (res != null && (res.dtype() != DType.FLOAT32 || !ConvOp.sameShape(res, pp.outShape()))) {
            throw new VinferException("NCHWc bottleneck fused Add: the other addend must be a float32 "
                    + Arrays.toString(pp.outShape()) + " tensor, got " + res);
        }
        c.kernel.run(x.floats(), x.offset(), y.floats(), y.offset(), res == null ? null : res.floats(),
                res == null ? 0 : res.offset(), ctx.parallel());
        return ctx.result(y);
    }

    @Override
    public String toString() {
        return "nchwc_bottleneck[" + (expand == null ? "" : expand.conv() + " > ") + dw.conv() + " > "
                + project.conv() + "]";
    }
}
