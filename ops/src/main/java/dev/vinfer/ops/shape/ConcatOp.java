package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/** Concat: joins inputs of one dtype along {@code axis}; all other dimensions must match. */
public final class ConcatOp implements Operator {
    private final long axis;

    public ConcatOp(long axis) {
        this.axis = axis;
    }

    /** The axis attribute as given (may be negative). */
    public long axis() {
        return axis;
    }

    @Override
    public String opType() {
        return "Concat";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        if (inputs.length == 0 || inputs[0] == null || inputs[0].rank() == 0) {
            outputShape(inputs, 0, "Concat"); // throws the message for what is wrong
        }
        Tensor first = inputs[0];
        int r = first.rank();
        int a = Shapes.axis(axis, r);
        int[] out = outputShape(inputs, a, "Concat");
        Tensor y = ctx.output(0, first.dtype(), out);
        int outer = IndexArgs.product(out, 0, a);
        int inner = IndexArgs.product(out, a + 1, r);
        int outRow = out[a] * inner;
        int[] rowStart = new int[inputs.length + 1];
        for (int i = 0; i < inputs.length; i++) {
            rowStart[i + 1] = rowStart[i] + inputs[i].dim(a) * inner;
        }
        int count = Math.multiplyExact(outer, outRow);
        if (count < 2 * MIN_PARALLEL_ELEMENTS || ctx.parallel().threads() < 2) {
            copyRange(inputs, rowStart, outRow, y, 0, count);
            return ctx.result(y);
        }
        int threads = ctx.parallel().threads();
        if (inner >= SPATIAL_SPLIT_INNER * threads) {
            // Planes as large as the convolutions split by pixels (bench/README.md, "Two threads and per-node
            // overhead, session 5"): thread t copies the t-th part of every plane, the part it wrote as the producing
            // conv's output and will read as the next conv's input, so neither copy crosses to the other core.
            ctx.parallel().forEach(threads, t -> {
                int lo = (int) ((long) inner * t / threads);
                int hi = (int) ((long) inner * (t + 1) / threads);
                copyPlaneParts(inputs, a, inner, outRow, outer, y, lo, hi);
            });
            return ctx.result(y);
        }
        // Smaller planes: the output in contiguous ranges, one per thread.
        ctx.parallel().forRange(count, MIN_PARALLEL_ELEMENTS, (from, to) -> copyRange(inputs, rowStart, outRow, y,
                from, to));
        return ctx.result(y);
    }

    /**
     * The shape of {@code inputs} joined along axis {@code a} (resolved), checked: at least one input, none missing,
     * one dtype, one rank (not a scalar), equal dims off the axis, the axis's length within a tensor's;
     * {@code op} names the operator in the messages.
     */
    static int[] outputShape(Tensor[] inputs, int a, String op) {
        if (inputs.length == 0 || inputs[0] == null) {
            throw new VinferException(op + " needs at least one input");
        }
        Tensor first = inputs[0];
        int r = first.rank();
        if (r == 0) {
            throw new VinferException(op + " cannot join scalars");
        }
        int[] out = first.shape();
        long total = 0;
        for (Tensor t : inputs) {
            if (t == null) {
                throw new VinferException(op + ": an input is missing");
            }
            ElementCopy.requireSameDType(first, t, op);
            int[] s = t.shape();
            if (s.length != r) {
                throw new VinferException(op + ": input " + t + " has another rank than " + first);
            }
            for (int i = 0; i < r; i++) {
                if (i != a && s[i] != out[i]) {
                    throw new VinferException(op + " on axis " + a + ": shapes " + Arrays.toString(first.shape())
                            + " and " + Arrays.toString(s) + " differ elsewhere");
                }
            }
            total += s[a];
        }
        if (total > Shapes.MAX_ELEMENTS) {
            throw new VinferException(op + ": axis " + a + " would have " + total + " elements");
        }
        out[a] = (int) total;
        return out;
    }

    /**
     * Inner sizes (pixels per plane) from which, per thread, the copy is split within planes rather than by output
     * range: the convolution engine cuts planes of at least 256 pixels a thread by pixels (its {@code WorkGrid}).
     */
    static final int SPATIAL_SPLIT_INNER = 256;

    /** Copies elements {@code [lo, hi)} of every inner block (plane) of every input into its place in {@code y}. */
    static void copyPlaneParts(Tensor[] inputs, int axis, int inner, int outRow, int outer, Tensor y, int lo,
            int hi) {
        int n = hi - lo;
        if (n <= 0) {
            return;
        }
        for (int o = 0; o < outer; o++) {
            int at = o * outRow;
            for (Tensor t : inputs) {
                int planes = t.dim(axis);
                int base = o * planes * inner;
                for (int c = 0; c < planes; c++, at += inner) {
                    ElementCopy.copy(t, base + c * inner + lo, y, at + lo, n);
                }
            }
        }
    }

    /** Output elements per thread at least this many: a copy of fewer is over before a second thread joins. */
    static final int MIN_PARALLEL_ELEMENTS = 1 << 15;

    /**
     * Fills output elements {@code [from, to)}: the output is, per outer index, the inputs' rows of
     * {@code rowStart[i + 1] - rowStart[i]} elements each, back to back ({@code outRow} in all).
     */
    static void copyRange(Tensor[] inputs, int[] rowStart, int outRow, Tensor y, int from, int to) {
        int p = from;
        while (p < to) {
            int o = p / outRow;
            int within = p - o * outRow;
            int i = 0;
            while (rowStart[i + 1] <= within) {
                i++;
            }
            int row = rowStart[i + 1] - rowStart[i];
            int at = within - rowStart[i];
            int n = Math.min(row - at, to - p);
            ElementCopy.copy(inputs[i], o * row + at, y, p, n);
            p += n;
        }
    }
}
