package dev.vinfer.ops.binary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;

/**
 * Add, Sub, Mul, Div, Mod and the variadic Sum, Max, Min, Mean: an {@link Arithmetic} function folded left over
 * one or more inputs with numpy broadcasting; all inputs and the output share one dtype.
 *
 * <p>The output is allocated once at the broadcast shape of all inputs; the first two inputs are combined into it
 * and every further input is combined into it in place (each element is read before it is written).
 */
public final class ArithmeticOp implements Operator {
    private final String opType;
    private final Arithmetic op;
    private final boolean mean;
    private final int legacyAxis;

    private ArithmeticOp(String opType, Arithmetic op, boolean mean, int legacyAxis) {
        this.opType = opType;
        this.op = op;
        this.mean = mean;
        this.legacyAxis = legacyAxis;
    }

    /** An op with numpy broadcasting over any number of inputs. */
    public ArithmeticOp(String opType, Arithmetic op) {
        this(opType, op, false, LegacyBroadcast.NONE);
    }

    /** A two-input op of an opset before 7 whose second input aligns with the first at {@code axis}. */
    public static ArithmeticOp legacy(String opType, Arithmetic op, int axis) {
        return new ArithmeticOp(opType, op, false, axis);
    }

    /** Mean: the sum of the inputs divided by their count. */
    public static ArithmeticOp mean() {
        return new ArithmeticOp("Mean", Arithmetic.ADD, true, LegacyBroadcast.NONE);
    }

    @Override
    public String opType() {
        return opType;
    }

    /** True for the pre-opset-7 form whose second input aligns at an axis instead of numpy broadcasting. */
    public boolean legacyBroadcast() {
        return legacyAxis != LegacyBroadcast.NONE;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor[] in = inputs.clone();
        DType type = Operands.sameType(in);
        if (in.length == 2) {
            in[1] = LegacyBroadcast.align(in[0], in[1], legacyAxis);
        }
        int[][] shapes = new int[in.length][];
        for (int i = 0; i < in.length; i++) {
            shapes[i] = in[i].shape();
        }
        Tensor out = ctx.output(0, type, Shapes.broadcast(shapes));
        if (in.length == 1) {
            out.copyFrom(in[0]);
            return ctx.result(out);
        }
        combine(in[0], in[1], out, ctx.parallel());
        for (int i = 2; i < in.length; i++) {
            combine(out, in[i], out, ctx.parallel());
        }
        if (mean) {
            divide(out, in.length);
        }
        return ctx.result(out);
    }

    /** float32 work per task: pieces of rows of this many elements, at least 64 K elements per task. */
    private static final int PIECE = 1 << 14;
    private static final int MIN_TASK = 1 << 16;

    /** out = op(a, b), with a and b broadcast to out's shape. */
    private void combine(Tensor a, Tensor b, Tensor out, dev.vinfer.conv.Parallel parallel) {
        BroadcastRows rows = BroadcastRows.of(out.shape(), a.shape(), b.shape());
        int n = rows.rowLength;
        int as = rows.innerStride[0];
        int bs = rows.innerStride[1];
        DType type = out.dtype();
        if (type == DType.FLOAT32 && (long) rows.rows * n >= 2L * MIN_TASK && parallel.threads() > 1) {
            // large float tensors: pieces of rows across threads (each output element depends on its inputs only)
            int piece = Math.min(n, PIECE);
            int perRow = (n + piece - 1) / piece;
            float[] af = a.floats();
            float[] bf = b.floats();
            float[] of = out.floats();
            parallel.forRange(rows.rows * perRow, Math.max(1, MIN_TASK / piece), (u0, u1) -> {
                for (int u = u0; u < u1; u++) {
                    int r = u / perRow;
                    int from = (u - r * perRow) * piece;
                    FloatRowKernels.row(op, af, a.offset() + rows.rowStart[0][r] + from * as, as, bf,
                            b.offset() + rows.rowStart[1][r] + from * bs, bs, of, out.offset() + r * n + from,
                            Math.min(piece, n - from));
                }
            });
            return;
        }
        for (int r = 0; r < rows.rows; r++) {
            int ao = rows.rowStart[0][r];
            int bo = rows.rowStart[1][r];
            int oo = r * n;
            if (type == DType.FLOAT32) {
                FloatRowKernels.row(op, a.floats(), a.offset() + ao, as, b.floats(), b.offset() + bo, bs,
                        out.floats(), out.offset() + oo, n);
            } else if (type.isFloatingPoint()) {
                for (int i = 0; i < n; i++) {
                    out.setDouble(oo + i, op.apply(a.getDouble(ao + i * as), b.getDouble(bo + i * bs)));
                }
            } else {
                for (int i = 0; i < n; i++) {
                    out.setLong(oo + i, op.apply(a.getLong(ao + i * as), b.getLong(bo + i * bs), type));
                }
            }
        }
    }

    private static void divide(Tensor out, int count) {
        int n = out.size();
        if (out.dtype() == DType.FLOAT32) {
            float[] o = out.floats();
            int off = out.offset();
            for (int i = 0; i < n; i++) {
                o[off + i] /= count;
            }
        } else if (out.dtype().isFloatingPoint()) {
            for (int i = 0; i < n; i++) {
                out.setDouble(i, out.getDouble(i) / count);
            }
        } else {
            // ONNX Mean is defined for floating point only; integers get a truncating division.
            for (int i = 0; i < n; i++) {
                out.setLong(i, out.getLong(i) / count);
            }
        }
    }
}
