package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * DepthToSpace: moves channel blocks into blocksize x blocksize spatial blocks of an NCHW tensor. DCR mode reads
 * the channels as [blockRow, blockCol, c]; CRD mode as [c, blockRow, blockCol].
 */
public final class DepthToSpaceOp implements Operator {
    private final int blocksize;
    private final boolean crd;

    public DepthToSpaceOp(int blocksize, boolean crd) {
        if (blocksize < 1) {
            throw new VinferException("DepthToSpace: blocksize must be positive, got " + blocksize);
        }
        this.blocksize = blocksize;
        this.crd = crd;
    }

    @Override
    public String opType() {
        return "DepthToSpace";
    }

    @Override
    public String describe() {
        return crd ? "CRD" : "DCR";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (x.rank() != 4) {
            throw new VinferException("DepthToSpace needs a 4-D NCHW input, got " + x);
        }
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int bs = blocksize;
        if (c % ((long) bs * bs) != 0) {
            throw new VinferException("DepthToSpace: " + c + " channels not divisible by blocksize^2 = "
                    + (long) bs * bs);
        }
        int oc = (int) (c / ((long) bs * bs));
        int[] out = {n, oc, IndexArgs.multiply(h, bs, "DepthToSpace"), IndexArgs.multiply(w, bs, "DepthToSpace")};
        // The spec's reshape + transpose: read the input as a 6-D tensor with permuted axes.
        int[] split = crd ? new int[] {n, oc, bs, bs, h, w} : new int[] {n, bs, bs, oc, h, w};
        int[] perm = crd ? new int[] {0, 1, 4, 2, 5, 3} : new int[] {0, 3, 4, 1, 5, 2};
        Tensor y = ctx.output(0, x.dtype(), out);
        permutedCopy(x, split, perm, y);
        return new Tensor[] {y};
    }

    /** Copies {@code x}, read as shape {@code split} with axes reordered by {@code perm}, into {@code y}. */
    static void permutedCopy(Tensor x, int[] split, int[] perm, Tensor y) {
        int[] strides = Shapes.strides(split);
        int[] shape = new int[perm.length];
        int[] srcStrides = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            shape[i] = split[perm[i]];
            srcStrides[i] = strides[perm[i]];
        }
        ElementCopy.copyStrided(x, 0, srcStrides, y, shape);
    }
}
