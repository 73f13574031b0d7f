package dev.vinfer.ops.legacy;

import dev.vinfer.ops.unary.UnaryOp;

/**
 * Affine (experimental ONNX op, removed in opset 10): {@code y = alpha * x + beta} element-wise, computed in double
 * and rounded once. The float32 whole-tensor loop (which {@link UnaryOp} splits across threads) gives the same
 * floats as the element function and vectorizes: it copies a chunk of the input to the output and rewrites it in
 * place there, because a loop from one float array into another at a different offset does not vectorize (the JIT
 * cannot rule out that they overlap).
 */
public final class Affine {
    /** Elements per copied chunk: fits in L1 with room. */
    static final int CHUNK = 2048;

    private Affine() {
    }

    public static UnaryOp op(double alpha, double beta) {
        return new UnaryOp("Affine", v -> alpha * v + beta, UnaryOp.Integers.NONE, null,
                (in, io, out, oo, n) -> floats(alpha, beta, in, io, out, oo, n));
    }

    /** {@code out[oo + i] = (float) (alpha * in[io + i] + beta)}; in and out may be the same place. */
    static void floats(double alpha, double beta, float[] in, int io, float[] out, int oo, int n) {
        if (in == out && io == oo) {
            inPlace(alpha, beta, out, oo, n);
            return;
        }
        for (int c = 0; c < n; c += CHUNK) {
            int len = Math.min(CHUNK, n - c);
            System.arraycopy(in, io + c, out, oo + c, len);
            inPlace(alpha, beta, out, oo + c, len);
        }
    }

    private static void inPlace(double alpha, double beta, float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = (float) (alpha * x[i] + beta);
        }
    }
}
