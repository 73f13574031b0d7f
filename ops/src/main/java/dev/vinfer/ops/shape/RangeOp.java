package dev.vinfer.ops.shape;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.math.BigInteger;

/**
 * Range: start, start + delta, ... up to limit (exclusive), max(ceil((limit - start) / delta), 0) elements of the
 * inputs' dtype. Integer ranges are computed exactly in long arithmetic; float ranges in double, then rounded.
 */
public final class RangeOp implements Operator {
    @Override
    public String opType() {
        return "Range";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor start = inputs[0];
        Tensor limit = inputs[1];
        Tensor delta = inputs[2];
        DType dt = start.dtype();
        if (limit.dtype() != dt || delta.dtype() != dt) {
            throw new VinferException("Range: start, limit and delta must share a dtype, got " + start + ", "
                    + limit + ", " + delta);
        }
        for (Tensor t : inputs) {
            if (t.size() != 1) {
                throw new VinferException("Range: start, limit and delta must be scalars, got " + t);
            }
        }
        if (dt.isFloatingPoint()) {
            double s = start.getDouble(0);
            double d = delta.getDouble(0);
            double count = Math.ceil((limit.getDouble(0) - s) / d);
            if (d == 0 || Double.isNaN(count) || count > Shapes.MAX_ELEMENTS) {
                throw new VinferException("Range: cannot make a range from " + s + " to " + limit.getDouble(0)
                        + " by " + d);
            }
            int n = (int) Math.max(count, 0);
            Tensor y = ctx.output(0, dt, n);
            for (int i = 0; i < n; i++) {
                y.setDouble(i, s + i * d);
            }
            return new Tensor[] {y};
        }
        if (!dt.isSignedInteger()) {
            throw new VinferException("Range does not take " + dt.displayName());
        }
        long s = start.getLong(0);
        long l = limit.getLong(0);
        long d = delta.getLong(0);
        if (d == 0) {
            throw new VinferException("Range: delta is 0");
        }
        long count = integerCount(s, l, d);
        if (count > Shapes.MAX_ELEMENTS) {
            throw new VinferException("Range: " + count + " elements from " + s + " to " + l + " by " + d);
        }
        int n = (int) count;
        Tensor y = ctx.output(0, dt, n);
        for (int i = 0; i < n; i++) {
            y.setLong(i, s + i * d);
        }
        return new Tensor[] {y};
    }

    /** max(ceil((l - s) / d), 0), exact for any int64 operands (l - s may not fit a long). */
    static long integerCount(long s, long l, long d) {
        if (d > 0 ? l <= s : l >= s) {
            return 0;
        }
        BigInteger diff = BigInteger.valueOf(l).subtract(BigInteger.valueOf(s)).abs();
        BigInteger step = BigInteger.valueOf(d).abs();
        BigInteger count = diff.add(step).subtract(BigInteger.ONE).divide(step);
        return count.bitLength() < 63 ? count.longValue() : Long.MAX_VALUE;
    }
}
