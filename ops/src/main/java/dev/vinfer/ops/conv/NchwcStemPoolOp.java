package dev.vinfer.ops.conv;

import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.NchwcMaxPool;
import dev.vinfer.conv.NchwcStemConv;
import dev.vinfer.conv.NchwcStemMaxPool;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.PackedConstants;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * A blocked stem ({@link NchwcConvOp} of {@link NchwcConvOp.Kind#STEM}, no residual) and the blocked max pool that
 * alone reads it ({@link NchwcMaxPoolOp}) as one node, run by {@link NchwcStemMaxPool}: the stem's output is
 * pooled band by band of rows in per-thread scratch instead of being written whole and read back (ResNet's and
 * SqueezeNet's stems and first pools). Inputs are the stem's (plain NCHW x, weights, optional bias); the output is
 * the pool's. Where a shape's pool has a band of output rows that reads no stem row (padding beyond a kernel's
 * reach), the two kernels run one after the other through a buffer instead.
 */
public final class NchwcStemPoolOp implements Operator, PackedConstants {
    private final NchwcConvOp stem;
    private final NchwcMaxPoolOp pool;
    private volatile Fused last;

    /** The kernels for one prepared stem: fused, or (when they do not fuse) the pool alone. */
    private record Fused(NchwcConvOp.Prepared stem, NchwcMaxPool pool, NchwcStemMaxPool kernel, int[] outShape) {
    }

    public NchwcStemPoolOp(NchwcConvOp stem, NchwcMaxPoolOp pool) {
        if (stem.kind() != NchwcConvOp.Kind.STEM || stem.conv().hasResidual()) {
            throw new IllegalArgumentException("stem-pool fusion needs a blocked stem Conv without a residual: "
                    + stem.conv());
        }
        this.stem = stem;
        this.pool = java.util.Objects.requireNonNull(pool, "pool");
    }

    public NchwcConvOp stem() {
        return stem;
    }

    public NchwcMaxPoolOp pool() {
        return pool;
    }

    @Override
    public String opType() {
        return stem.opType() + ">MaxPool";
    }

    /**
     * Images x positions of the stem's output for the last input shape (the pool's input, which exists only inside
     * this node), or 0 before a run: the stem's work, for a profile's FLOP count.
     */
    public long stemPositions() {
        Fused f = last;
        if (f == null) {
            return 0;
        }
        int[] s = f.stem.outShape();
        return (long) s[0] * s[2] * s[3];
    }

    @Override
    public String describe() {
        Fused f = last;
        return f != null && f.kernel == null ? "nchwc_stem|nchwc" : "nchwc_stem_maxpool";
    }

    @Override
    public boolean packedInput(int index, Tensor constant) {
        return stem.packedInput(index, constant);
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        if (inputs.length < 2 || inputs[0] == null || inputs[1] == null) {
            throw new VinferException("NCHWc stem+MaxPool: expected an input and weights, got " + inputs.length
                    + " inputs");
        }
        NchwcConvOp.Prepared ps = stem.prepared(ctx, inputs);
        Fused f = last;
        if (f == null || f.stem != ps) {
            int[] mid = ps.outShape();
            NchwcMaxPool k = NchwcMaxPoolOp.kernel(pool.window(), pool.channels(), mid,
                    "the stem's output " + Arrays.toString(mid));
            NchwcStemConv sk = (NchwcStemConv) ps.kernel();
            NchwcStemMaxPool fused = NchwcStemMaxPool.fits(sk, k) ? NchwcStemMaxPool.prepare(sk, k) : null;
            f = new Fused(ps, k, fused, new int[] {mid[0], mid[1], k.outH(), k.outW(), NchwcLayout.BLOCK});
            last = f;
        }
        Tensor y = ctx.output(0, DType.FLOAT32, f.outShape);
        if (ctx.preparing()) {
            return ctx.result(y);
        }
        Tensor x = inputs[0];
        if (f.kernel != null) {
            f.kernel.run(x.floats(), x.offset(), y.floats(), y.offset(), ctx.parallel());
        } else {
            // a geometry the bands do not cover: both kernels through a buffer (allocated per run; not a network's)
            float[] mid = new float[Math.toIntExact(ps.kernel().outputLength())];
            ps.kernel().run(x.floats(), x.offset(), mid, 0, null, 0, ctx.parallel());
            f.pool.run(mid, 0, y.floats(), y.offset(), ctx.parallel());
        }
        return ctx.result(y);
    }

    @Override
    public String toString() {
        return "nchwc_stem_maxpool[" + stem.conv() + " > " + pool.window() + "]";
    }
}
