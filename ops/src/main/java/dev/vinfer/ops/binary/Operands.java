package dev.vinfer.ops.binary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/** Checks on the operands of the element-wise ops in this package. */
final class Operands {
    private Operands() {
    }

    /** The common dtype of {@code in}, which must all be present and of one dtype. */
    static DType sameType(Tensor... in) {
        if (in.length == 0 || in[0] == null) {
            throw new VinferException("missing input 0");
        }
        DType t = in[0].dtype();
        for (int i = 1; i < in.length; i++) {
            if (in[i] == null) {
                throw new VinferException("missing input " + i);
            }
            if (in[i].dtype() != t) {
                throw new VinferException("input " + i + " is " + in[i].dtype().displayName() + " but input 0 is "
                        + t.displayName() + "; they must match");
            }
        }
        return t;
    }

    static void requireBool(Tensor t, String what) {
        if (t.dtype() != DType.BOOL) {
            throw new VinferException(what + " must be bool, not " + t.dtype().displayName());
        }
    }
}
