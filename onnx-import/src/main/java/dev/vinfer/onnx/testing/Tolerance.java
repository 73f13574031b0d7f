package dev.vinfer.onnx.testing;

import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;

/**
 * How close an output must be to the expected one: {@code |got - want| <= atol + rtol * |want|} element-wise for
 * floating-point outputs, exact equality for integers and bools. NaN matches NaN; infinities must match exactly.
 *
 * @param rtol relative tolerance
 * @param atol absolute tolerance
 */
public record Tolerance(double rtol, double atol) {

    /** The ONNX backend test defaults, which the reference results were written for. */
    public static final Tolerance ONNX_DEFAULT = new Tolerance(1e-3, 1e-7);

    /** The result of comparing two tensors. */
    public record Comparison(boolean ok, String message, double maxAbs, double maxRel) {
    }

    public Comparison compare(Tensor want, Tensor got) {
        if (want.dtype() != got.dtype()) {
            return new Comparison(false, "dtype " + got.dtype().displayName() + ", expected "
                    + want.dtype().displayName(), 0, 0);
        }
        if (!java.util.Arrays.equals(want.shape(), got.shape())) {
            return new Comparison(false, "shape " + Shapes.toString(got.shape()) + ", expected "
                    + Shapes.toString(want.shape()), 0, 0);
        }
        double maxAbs = 0;
        double maxRel = 0;
        int bad = -1;
        int badCount = 0;
        boolean fp = want.dtype().isFloatingPoint();
        for (int i = 0; i < want.size(); i++) {
            if (fp) {
                double w = want.getDouble(i);
                double g = got.getDouble(i);
                if (Double.isNaN(w) || Double.isNaN(g)) {
                    if (Double.isNaN(w) != Double.isNaN(g)) {
                        badCount++;
                        bad = bad < 0 ? i : bad;
                    }
                    continue;
                }
                if (Double.isInfinite(w) || Double.isInfinite(g)) {
                    if (w != g) {
                        badCount++;
                        bad = bad < 0 ? i : bad;
                    }
                    continue;
                }
                double d = Math.abs(w - g);
                maxAbs = Math.max(maxAbs, d);
                if (w != 0) {
                    maxRel = Math.max(maxRel, d / Math.abs(w));
                }
                if (d > atol + rtol * Math.abs(w)) {
                    badCount++;
                    bad = bad < 0 ? i : bad;
                }
            } else if (want.getLong(i) != got.getLong(i)) {
                badCount++;
                bad = bad < 0 ? i : bad;
            }
        }
        if (badCount > 0) {
            return new Comparison(false, badCount + " of " + want.size() + " elements differ; first at " + bad
                    + ": got " + got.getDouble(bad) + ", expected " + want.getDouble(bad) + " (max abs error "
                    + maxAbs + ")", maxAbs, maxRel);
        }
        return new Comparison(true, "", maxAbs, maxRel);
    }
}
