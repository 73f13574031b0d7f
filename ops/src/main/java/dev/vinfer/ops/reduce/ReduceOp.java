package dev.vinfer.ops.reduce;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * The ONNX Reduce* family: reduces the input over a set of axes with one of the {@link Kind}s.
 *
 * <p>The axes come either fixed from the node (the attribute form of older opsets) or from input 1 at run time.
 * No axes means all axes, unless {@code noopWithEmptyAxes}, in which case the input is returned unchanged.
 * Floating-point inputs accumulate in double and round once at the end; integer inputs accumulate in long and wrap
 * to their dtype, except the kinds that need a square root or logarithm, which go through double and truncate.
 * Reducing an empty set gives the identity of the reduction: 0 for sums, 1 for products, the lowest value for Max
 * and the highest for Min (infinities for floats), NaN for Mean of floats, -inf for the log reductions.
 */
public final class ReduceOp implements Operator {

    /** Which reduction; the names follow the ONNX op types. */
    public enum Kind {
        SUM("ReduceSum"), MEAN("ReduceMean"), MAX("ReduceMax"), MIN("ReduceMin"), PROD("ReduceProd"),
        L1("ReduceL1"), L2("ReduceL2"), LOG_SUM("ReduceLogSum"), LOG_SUM_EXP("ReduceLogSumExp"),
        SUM_SQUARE("ReduceSumSquare");

        private final String opType;

        Kind(String opType) {
            this.opType = opType;
        }

        public String opType() {
            return opType;
        }

        /** Kinds whose integer results are exact in long arithmetic (the rest go through double). */
        boolean exactInLong() {
            return this != L2 && this != LOG_SUM && this != LOG_SUM_EXP;
        }
    }

    private final Kind kind;
    private final long[] fixedAxes;
    private final boolean keepDims;
    private final boolean noopWithEmptyAxes;

    /**
     * @param fixedAxes the axes from the node's attribute, or null to read them from input 1 at run time (absent or
     *     empty input 1: all axes, or none when {@code noopWithEmptyAxes})
     */
    public ReduceOp(Kind kind, long[] fixedAxes, boolean keepDims, boolean noopWithEmptyAxes) {
        this.kind = kind;
        this.fixedAxes = fixedAxes == null ? null : fixedAxes.clone();
        this.keepDims = keepDims;
        this.noopWithEmptyAxes = noopWithEmptyAxes;
    }

    @Override
    public String opType() {
        return kind.opType();
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        long[] axes = fixedAxes;
        if (axes == null && inputs.length > 1 && inputs[1] != null) {
            axes = inputs[1].toLongArray();
        }
        if ((axes == null || axes.length == 0) && noopWithEmptyAxes) {
            return new Tensor[] {x};
        }
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        if (axes == null || axes.length == 0) {
            Arrays.fill(reduced, true);
        } else if (rank > 0) {
            for (long a : axes) {
                reduced[Shapes.axis(a, rank)] = true;
            }
        }
        int[] inShape = x.shape();
        int groupSize = 1;
        int keptRank = 0;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                groupSize *= inShape[d];
            } else {
                keptRank++;
            }
        }
        int[] outShape = new int[keepDims ? rank : keptRank];
        for (int d = 0, o = 0; d < rank; d++) {
            if (!reduced[d]) {
                outShape[o++] = inShape[d];
            } else if (keepDims) {
                outShape[o++] = 1;
            }
        }
        Tensor out = ctx.output(0, x.dtype(), outShape);
        if (x.dtype().isFloatingPoint() || !kind.exactInLong()) {
            reduceInDouble(x, reduced, groupSize, out);
        } else {
            reduceInLong(x, reduced, groupSize, out);
        }
        return new Tensor[] {out};
    }

    private void reduceInDouble(Tensor x, boolean[] reduced, int groupSize, Tensor out) {
        int n = x.size();
        int outSize = out.size();
        double[] acc = new double[outSize];
        Arrays.fill(acc, switch (kind) {
            case PROD -> 1.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            default -> 0.0;
        });
        float[] f = x.dtype() == DType.FLOAT32 ? x.floats() : null;
        int off = x.offset();
        double[] shift = null;
        if (kind == Kind.LOG_SUM_EXP) {
            // Subtract each group's max before exp so large inputs do not overflow.
            shift = new double[outSize];
            Arrays.fill(shift, Double.NEGATIVE_INFINITY);
            ReductionCursor c = new ReductionCursor(x.shape(), reduced);
            for (int i = 0; i < n; i++) {
                int o = c.next();
                shift[o] = Math.max(shift[o], f != null ? f[off + i] : x.getDouble(i));
            }
        }
        if (f != null && shift == null && trailing(reduced)) {
            // The reduced axes are the last ones (a global pool written as ReduceMean over H, W): each output's
            // group is a contiguous run, summed in the same order as the general walk below, so the results are
            // the same without its cursor and per-element dispatch (ShuffleNet's 1024 x 49: 0.173 ms before).
            for (int o = 0, base = off; o < outSize; o++, base += groupSize) {
                double a = acc[o];
                switch (kind) {
                    case SUM, MEAN, LOG_SUM -> {
                        for (int j = 0; j < groupSize; j++) {
                            a += f[base + j];
                        }
                    }
                    case MAX -> {
                        for (int j = 0; j < groupSize; j++) {
                            a = Math.max(a, f[base + j]);
                        }
                    }
                    case MIN -> {
                        for (int j = 0; j < groupSize; j++) {
                            a = Math.min(a, f[base + j]);
                        }
                    }
                    default -> {
                        for (int j = 0; j < groupSize; j++) {
                            double v = f[base + j];
                            a = switch (kind) {
                                case PROD -> a * v;
                                case L1 -> a + Math.abs(v);
                                default -> a + v * v; // L2, SUM_SQUARE
                            };
                        }
                    }
                }
                acc[o] = a;
            }
            finish(acc, groupSize, shift, out);
            return;
        }
        ReductionCursor c = new ReductionCursor(x.shape(), reduced);
        for (int i = 0; i < n; i++) {
            int o = c.next();
            double v = f != null ? f[off + i] : x.getDouble(i);
            switch (kind) {
                case SUM, MEAN, LOG_SUM -> acc[o] += v;
                case PROD -> acc[o] *= v;
                case MAX -> acc[o] = Math.max(acc[o], v);
                case MIN -> acc[o] = Math.min(acc[o], v);
                case L1 -> acc[o] += Math.abs(v);
                case L2, SUM_SQUARE -> acc[o] += v * v;
                case LOG_SUM_EXP -> acc[o] += Double.isInfinite(shift[o]) ? 0 : Math.exp(v - shift[o]);
            }
        }
        finish(acc, groupSize, shift, out);
    }

    /** The outputs from the accumulated values. */
    private void finish(double[] acc, int groupSize, double[] shift, Tensor out) {
        for (int o = 0; o < acc.length; o++) {
            double r = switch (kind) {
                case MEAN -> acc[o] / groupSize;
                case L2 -> Math.sqrt(acc[o]);
                case LOG_SUM -> Math.log(acc[o]);
                case LOG_SUM_EXP -> Double.isInfinite(shift[o]) ? shift[o] : shift[o] + Math.log(acc[o]);
                default -> acc[o];
            };
            out.setDouble(o, r);
        }
    }

    /** Whether the reduced axes are exactly the last ones (none, or some, of the leading axes kept). */
    private static boolean trailing(boolean[] reduced) {
        int d = reduced.length;
        while (d > 0 && reduced[d - 1]) {
            d--;
        }
        for (int i = 0; i < d; i++) {
            if (reduced[i]) {
                return false;
            }
        }
        return true;
    }

    private void reduceInLong(Tensor x, boolean[] reduced, int groupSize, Tensor out) {
        DType dt = x.dtype();
        boolean unsigned64 = dt == DType.UINT64;
        int n = x.size();
        int outSize = out.size();
        long[] acc = new long[outSize];
        Arrays.fill(acc, switch (kind) {
            case PROD -> 1L;
            case MAX -> lowest(dt);
            case MIN -> highest(dt);
            default -> 0L;
        });
        ReductionCursor c = new ReductionCursor(x.shape(), reduced);
        for (int i = 0; i < n; i++) {
            int o = c.next();
            long v = x.getLong(i);
            switch (kind) {
                case SUM, MEAN -> acc[o] += v;
                case PROD -> acc[o] *= v;
                case MAX -> acc[o] = greater(v, acc[o], unsigned64) ? v : acc[o];
                case MIN -> acc[o] = greater(acc[o], v, unsigned64) ? v : acc[o];
                case L1 -> acc[o] += Math.abs(v);
                case SUM_SQUARE -> acc[o] += v * v;
                default -> throw new IllegalStateException(kind + " is not reduced in long");
            }
        }
        for (int o = 0; o < outSize; o++) {
            long r = acc[o];
            if (kind == Kind.MEAN) {
                // Integer mean truncates like numpy's float mean cast back to the integer dtype; 0 for no elements.
                r = groupSize == 0 ? 0 : unsigned64 ? Long.divideUnsigned(r, groupSize) : r / groupSize;
            }
            out.setLong(o, r);
        }
    }

    private static boolean greater(long a, long b, boolean unsigned64) {
        return unsigned64 ? Long.compareUnsigned(a, b) > 0 : a > b;
    }

    /** The lowest value of an integer (or bool) dtype, as getLong reads it. */
    static long lowest(DType dt) {
        return switch (dt) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> 0L; // unsigned types and bool
        };
    }

    /** The highest value of an integer (or bool) dtype, as getLong reads it (uint64: all bits set). */
    static long highest(DType dt) {
        return switch (dt) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 0xFFL;
            case INT16 -> Short.MAX_VALUE;
            case UINT16 -> 0xFFFFL;
            case INT32 -> Integer.MAX_VALUE;
            case UINT32 -> 0xFFFFFFFFL;
            case BOOL -> 1L;
            case INT64 -> Long.MAX_VALUE;
            case UINT64 -> -1L;
            default -> throw new VinferException("no integer range for " + dt.displayName());
        };
    }
}
