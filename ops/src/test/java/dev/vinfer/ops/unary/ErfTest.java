package dev.vinfer.ops.unary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Checks {@link Erf} against numerical integration of 2/sqrt(pi) * exp(-t^2), an independent method. */
class ErfTest {

    /** 2/sqrt(pi) times the integral of exp(-t^2) over [from, to], by composite Simpson's rule. */
    private static double integral(double from, double to) {
        int n = 20000;
        double h = (to - from) / n;
        double s = Math.exp(-from * from) + Math.exp(-to * to);
        for (int i = 1; i < n; i++) {
            double t = from + i * h;
            s += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return s * h / 3 * 2 / Math.sqrt(Math.PI);
    }

    @Test
    void erfMatchesIntegralAcrossRange() {
        double worst = 0;
        for (double x = -6.5; x <= 6.5; x += 0.0371) {
            double want = Math.signum(x) * integral(0, Math.abs(x));
            double got = Erf.erf(x);
            worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
        }
        assertTrue(worst < 1e-12, "max relative error " + worst);
    }

    @Test
    void erfIsAccurateNearZero() {
        for (double x : new double[] {1e-300, 1e-12, 1e-6, 3e-3}) {
            double want = integral(0, x);
            // The reference's own rounding (20000 summed terms) is about 3e-13 here.
            assertEquals(want, Erf.erf(x), want * 1e-11);
            assertEquals(-want, Erf.erf(-x), want * 1e-11);
        }
    }

    @Test
    void erfcKeepsRelativePrecisionInTheTail() {
        for (double x = 2.0; x <= 20; x += 0.5) {
            // exp(-t^2) decays on a scale of 1/(2x); beyond x + 20/x it is below e^-40 of its value at x.
            double want = integral(x, x + Math.min(6, 20 / x));
            assertEquals(want, Erf.erfc(x), want * 1e-10, "erfc(" + x + ")");
        }
        assertEquals(2.0, Erf.erfc(-30), 0);
        assertEquals(1.0, Erf.erfc(0), 1e-16);
    }

    @Test
    void specialValues() {
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
    }
}
