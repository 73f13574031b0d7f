package dev.vinfer.ops.linalg;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Einsum, general form: every label of the equation becomes one loop; the output labels are the outer loops and
 * the others (summed) the inner ones. A label repeated within one operand reads a diagonal (its strides add up);
 * ellipsis dimensions are right-aligned across operands and broadcast where one operand has size 1. Floating-point
 * types accumulate in double, integers in long (wrapping to the dtype).
 *
 * <p>Implicit output (no {@code ->}): the ellipsis dimensions, then the letters used exactly once, in ASCII order.
 * An explicit output without {@code ...} sums over the ellipsis dimensions.
 */
public final class EinsumOp implements Operator {
    private final EinsumEquation equation;

    public EinsumOp(EinsumEquation equation) {
        this.equation = equation;
    }

    @Override
    public String opType() {
        return "Einsum";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        int n = equation.inputs().size();
        if (inputs.length < n) {
            throw new VinferException("einsum equation has " + n + " operands but got " + inputs.length);
        }
        // Ellipsis dimensions per operand, and overall (right-aligned like numpy broadcasting).
        int[] ellipsisRank = new int[n];
        int maxEllipsis = 0;
        for (int t = 0; t < n; t++) {
            int[] term = equation.inputs().get(t);
            int letters = 0;
            boolean hasEllipsis = false;
            for (int l : term) {
                if (l == EinsumEquation.ELLIPSIS) {
                    hasEllipsis = true;
                } else {
                    letters++;
                }
            }
            int rank = inputs[t].rank();
            if (hasEllipsis ? rank < letters : rank != letters) {
                throw new VinferException("einsum operand " + t + " of shape " + Shapes.toString(inputs[t].shape())
                        + " does not match its " + letters + " subscripts" + (hasEllipsis ? " and ellipsis" : ""));
            }
            ellipsisRank[t] = rank - letters;
            maxEllipsis = Math.max(maxEllipsis, ellipsisRank[t]);
        }
        int labelCount = EinsumEquation.LETTERS + maxEllipsis;
        // Size of every label, and for every operand the element stride of every label (0 when broadcast).
        int[] size = new int[labelCount];
        Arrays.fill(size, -1);
        int[] useCount = new int[labelCount];
        int[][] stride = new int[n][labelCount];
        for (int t = 0; t < n; t++) {
            int[] dims = expandedLabels(equation.inputs().get(t), ellipsisRank[t], maxEllipsis);
            int[] shape = inputs[t].shape();
            int[] st = Shapes.strides(shape);
            for (int d = 0; d < dims.length; d++) {
                int label = dims[d];
                useCount[label]++;
                if (shape[d] == 1 && label >= EinsumEquation.LETTERS) {
                    size[label] = Math.max(size[label], 1);
                    continue; // a broadcast ellipsis dim: stride stays 0
                }
                if (size[label] >= 0 && size[label] != shape[d] && !(size[label] == 1
                        && label >= EinsumEquation.LETTERS)) {
                    throw new VinferException("einsum label " + describe(label) + " has sizes " + size[label]
                            + " and " + shape[d]);
                }
                size[label] = shape[d];
                stride[t][label] += st[d];
            }
        }
        int[] outLabels = outputLabels(useCount, maxEllipsis);
        boolean[] isOut = new boolean[labelCount];
        for (int l : outLabels) {
            isOut[l] = true;
        }
        List<Integer> summed = new ArrayList<>();
        for (int l = 0; l < labelCount; l++) {
            if (size[l] >= 0 && !isOut[l]) {
                summed.add(l);
            }
        }
        int[] sumLabels = summed.stream().mapToInt(Integer::intValue).toArray();
        int[] outShape = new int[outLabels.length];
        for (int i = 0; i < outLabels.length; i++) {
            outShape[i] = size[outLabels[i]];
        }
        Tensor out = ctx.output(0, inputs[0].dtype(), outShape);
        contract(inputs, n, size, stride, outLabels, sumLabels, out);
        return new Tensor[] {out};
    }

    /** The operand's label per dimension, ellipsis replaced by its (right-aligned) ellipsis labels. */
    private static int[] expandedLabels(int[] term, int ellipsisRank, int maxEllipsis) {
        int letters = contains(term, EinsumEquation.ELLIPSIS) ? term.length - 1 : term.length;
        int[] dims = new int[letters + ellipsisRank];
        int d = 0;
        for (int l : term) {
            if (l == EinsumEquation.ELLIPSIS) {
                for (int j = 0; j < ellipsisRank; j++) {
                    dims[d++] = EinsumEquation.LETTERS + maxEllipsis - ellipsisRank + j;
                }
            } else {
                dims[d++] = l;
            }
        }
        return dims;
    }

    private int[] outputLabels(int[] useCount, int maxEllipsis) {
        List<Integer> out = new ArrayList<>();
        if (equation.output() == null) {
            for (int j = 0; j < maxEllipsis; j++) {
                out.add(EinsumEquation.LETTERS + j);
            }
            // ASCII order: upper-case letters (labels 26..51) before lower-case (0..25).
            for (int l = 26; l < 52; l++) {
                if (useCount[l] == 1) {
                    out.add(l);
                }
            }
            for (int l = 0; l < 26; l++) {
                if (useCount[l] == 1) {
                    out.add(l);
                }
            }
        } else {
            for (int l : equation.output()) {
                if (l == EinsumEquation.ELLIPSIS) {
                    for (int j = 0; j < maxEllipsis; j++) {
                        out.add(EinsumEquation.LETTERS + j);
                    }
                } else {
                    out.add(l);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Loops over the output labels (outer) and the summed labels (inner), accumulating products. */
    private static void contract(Tensor[] inputs, int n, int[] size, int[][] stride, int[] outLabels,
            int[] sumLabels, Tensor out) {
        boolean floating = out.dtype().isFloatingPoint();
        int outSize = out.size();
        long sumCount = 1;
        for (int l : sumLabels) {
            sumCount *= size[l];
        }
        int[] base = new int[n];
        int[] outPos = new int[outLabels.length];
        int[] sumPos = new int[sumLabels.length];
        int[] off = new int[n];
        for (int o = 0; o < outSize; o++) {
            System.arraycopy(base, 0, off, 0, n);
            double accD = 0;
            long accL = 0;
            for (long s = 0; s < sumCount; s++) {
                if (floating) {
                    double p = 1;
                    for (int t = 0; t < n; t++) {
                        p *= inputs[t].getDouble(off[t]);
                    }
                    accD += p;
                } else {
                    long p = 1;
                    for (int t = 0; t < n; t++) {
                        p *= inputs[t].getLong(off[t]);
                    }
                    accL += p;
                }
                advance(sumLabels, sumPos, size, stride, off, n);
            }
            if (floating) {
                out.setDouble(o, accD);
            } else {
                out.setLong(o, accL);
            }
            advance(outLabels, outPos, size, stride, base, n);
        }
    }

    /** Odometer step over {@code labels} (last fastest), keeping every operand's offset in step. */
    private static void advance(int[] labels, int[] pos, int[] size, int[][] stride, int[] off, int n) {
        for (int i = labels.length - 1; i >= 0; i--) {
            int l = labels[i];
            pos[i]++;
            for (int t = 0; t < n; t++) {
                off[t] += stride[t][l];
            }
            if (pos[i] < size[l]) {
                return;
            }
            for (int t = 0; t < n; t++) {
                off[t] -= stride[t][l] * pos[i];
            }
            pos[i] = 0;
        }
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static String describe(int label) {
        return label < EinsumEquation.LETTERS ? "'" + EinsumEquation.letter(label) + "'"
                : "of ellipsis dimension " + (label - EinsumEquation.LETTERS);
    }
}
