package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * Reshape: a view of the input with the shape read from input 1. A 0 copies the input's dimension at that position
 * unless {@code allowZero} (opset 14 allowzero=1), in which case it means an empty dimension; one -1 is inferred.
 */
public final class ReshapeOp implements Operator {
    private final boolean allowZero;

    public ReshapeOp(boolean allowZero) {
        this.allowZero = allowZero;
    }

    /** Whether a 0 in the target is a zero-sized dim (opset 14 allowzero) rather than the input's dim. */
    public boolean allowZero() {
        return allowZero;
    }

    @Override
    public String opType() {
        return "Reshape";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor data = inputs[0];
        int[] shape = resolve(data.shape(), IndexArgs.longs(inputs[1], "Reshape shape"), allowZero);
        ctx.options().limits().checkShape("Reshape output", shape);
        return new Tensor[] {data.reshape(shape)};
    }

    /** The output shape for {@code requested} applied to an input of shape {@code in}. */
    static int[] resolve(int[] in, long[] requested, boolean allowZero) {
        int inSize = Shapes.size(in);
        int[] out = new int[requested.length];
        int inferred = -1;
        long known = 1;
        boolean hasZero = false;
        for (int i = 0; i < requested.length; i++) {
            long d = requested[i];
            if (d == -1) {
                if (inferred >= 0) {
                    throw new VinferException("Reshape: more than one -1 in " + Arrays.toString(requested));
                }
                inferred = i;
                continue;
            }
            if (d == 0 && !allowZero) {
                if (i >= in.length) {
                    throw new VinferException("Reshape: 0 at position " + i + " of " + Arrays.toString(requested)
                            + " has no input dimension to copy (input " + Arrays.toString(in) + ")");
                }
                d = in[i];
            } else if (d < 0 || d > Shapes.MAX_ELEMENTS) {
                throw new VinferException("Reshape: invalid dimension " + d + " in " + Arrays.toString(requested));
            }
            hasZero |= d == 0;
            out[i] = (int) d;
            known = known * d;
            if (known > Shapes.MAX_ELEMENTS) {
                known = Shapes.MAX_ELEMENTS + 1L;
            }
        }
        if (inferred >= 0) {
            if (hasZero) {
                // Only reachable with an explicit zero (or a copied zero): the -1 cannot be determined.
                if (allowZero) {
                    throw new VinferException("Reshape: allowzero shape " + Arrays.toString(requested)
                            + " has both 0 and -1");
                }
                throw new VinferException("Reshape: cannot infer -1 in " + Arrays.toString(requested)
                        + " for input " + Arrays.toString(in) + " (other dimensions multiply to 0)");
            }
            if (inSize % known != 0) {
                throw new VinferException("Reshape: cannot reshape " + Arrays.toString(in) + " to "
                        + Arrays.toString(requested));
            }
            out[inferred] = (int) (inSize / known);
        } else if (known != inSize) {
            throw new VinferException("Reshape: cannot reshape " + Arrays.toString(in) + " (" + inSize
                    + " elements) to " + Arrays.toString(out));
        }
        return out;
    }
}
