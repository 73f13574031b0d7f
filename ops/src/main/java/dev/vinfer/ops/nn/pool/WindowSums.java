package dev.vinfer.ops.nn.pool;

/** Per-window sums of one plane, shared by AveragePool and LpPool. */
final class WindowSums {
    private WindowSums() {
    }

    /**
     * {@code dst[o]} = sum over the in-input taps of window {@code o} of {@code |v|^p} (of {@code v} itself when
     * {@code p == 0}); padding contributes nothing.
     */
    static void sum(PoolGeometry g, double[] src, double[] dst, double p) {
        int h = g.in(1);
        int w = g.in(2);
        int dz = g.dilation(0);
        int dy = g.dilation(1);
        int dx = g.dilation(2);
        int o = 0;
        for (int oz = 0; oz < g.out(0); oz++) {
            int fz = g.first(0, oz);
            int nz = g.valid(0, oz);
            for (int oy = 0; oy < g.out(1); oy++) {
                int fy = g.first(1, oy);
                int ny = g.valid(1, oy);
                for (int ox = 0; ox < g.out(2); ox++, o++) {
                    int fx = g.first(2, ox);
                    int nx = g.valid(2, ox);
                    double s = 0;
                    for (int a = 0; a < nz; a++) {
                        int iz = fz + a * dz;
                        for (int b = 0; b < ny; b++) {
                            int row = (iz * h + fy + b * dy) * w + fx;
                            for (int c = 0; c < nx; c++) {
                                s += power(src[row + c * dx], p);
                            }
                        }
                    }
                    dst[o] = s;
                }
            }
        }
    }

    private static double power(double v, double p) {
        if (p == 0) {
            return v;
        }
        double a = Math.abs(v);
        if (p == 1) {
            return a;
        }
        if (p == 2) {
            return a * a;
        }
        return Math.pow(a, p);
    }

    /** Number of taps of window {@code o}: in-input only, or also those in explicit padding. */
    static void counts(PoolGeometry g, int[] dst, boolean includePad) {
        int o = 0;
        for (int oz = 0; oz < g.out(0); oz++) {
            int cz = includePad ? g.withPad(0, oz) : g.valid(0, oz);
            for (int oy = 0; oy < g.out(1); oy++) {
                int cy = includePad ? g.withPad(1, oy) : g.valid(1, oy);
                for (int ox = 0; ox < g.out(2); ox++, o++) {
                    int cx = includePad ? g.withPad(2, ox) : g.valid(2, ox);
                    dst[o] = cz * cy * cx;
                }
            }
        }
    }
}
