package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/** SpaceToDepth: moves blocksize x blocksize spatial blocks of an NCHW tensor into channels [blockRow, blockCol, c]. */
public final class SpaceToDepthOp implements Operator {
    private final int blocksize;

    public SpaceToDepthOp(int blocksize) {
        if (blocksize < 1) {
            throw new VinferException("SpaceToDepth: blocksize must be positive, got " + blocksize);
        }
        this.blocksize = blocksize;
    }

    @Override
    public String opType() {
        return "SpaceToDepth";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (x.rank() != 4) {
            throw new VinferException("SpaceToDepth needs a 4-D NCHW input, got " + x);
        }
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int bs = blocksize;
        if (h % bs != 0 || w % bs != 0) {
            throw new VinferException("SpaceToDepth: spatial size " + h + "x" + w + " not divisible by blocksize "
                    + bs);
        }
        int[] out = {n, IndexArgs.multiply(c, IndexArgs.multiply(bs, bs, "SpaceToDepth"), "SpaceToDepth"), h / bs, w / bs};
        Tensor y = ctx.output(0, x.dtype(), out);
        DepthToSpaceOp.permutedCopy(x, new int[] {n, c, h / bs, bs, w / bs, bs}, new int[] {0, 3, 5, 1, 2, 4}, y);
        return new Tensor[] {y};
    }
}
