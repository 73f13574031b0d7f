package dev.vinfer.runtime;

/** Tiny float32 operators for executor and memory-plan tests (the runtime knows no real ops). */
final class TestOps {
    private TestOps() {
    }

    /** y = x * k + c, into a requested output. */
    static Operator affine(float k, float c) {
        return new Operator() {
            @Override
            public String opType() {
                return "Affine";
            }

            @Override
            public Tensor[] run(OpContext ctx, Tensor[] in) {
                Tensor x = in[0];
                Tensor y = ctx.output(0, DType.FLOAT32, x.shape());
                for (int i = 0; i < x.size(); i++) {
                    y.setFloat(i, x.getFloat(i) * k + c);
                }
                return new Tensor[] {y};
            }
        };
    }

    /** y = a + b (same shapes). */
    static Operator add() {
        return new Operator() {
            @Override
            public String opType() {
                return "Add";
            }

            @Override
            public Tensor[] run(OpContext ctx, Tensor[] in) {
                Tensor y = ctx.output(0, DType.FLOAT32, in[0].shape());
                for (int i = 0; i < y.size(); i++) {
                    y.setFloat(i, in[0].getFloat(i) + in[1].getFloat(i));
                }
                return new Tensor[] {y};
            }
        };
    }

    /** A view of the input as a flat vector (no copy). */
    static Operator flatView() {
        return new Operator() {
            @Override
            public String opType() {
                return "View";
            }

            @Override
            public Tensor[] run(OpContext ctx, Tensor[] in) {
                return new Tensor[] {in[0].reshape(in[0].size())};
            }
        };
    }

    /** The first (int) x[0] elements of x, at least 1: an output shape that depends on the data. */
    static Operator prefix() {
        return new Operator() {
            @Override
            public String opType() {
                return "Prefix";
            }

            @Override
            public Tensor[] run(OpContext ctx, Tensor[] in) {
                Tensor x = in[0];
                int n = Math.max(1, Math.min(x.size(), (int) x.getFloat(0)));
                Tensor y = ctx.output(0, DType.FLOAT32, n);
                for (int i = 0; i < n; i++) {
                    y.setFloat(i, x.getFloat(i) + 1);
                }
                return new Tensor[] {y};
            }
        };
    }

    /** Returns its input itself when x[0] > 0, else a copy: views that depend on the data (a plan breaker). */
    static Operator viewWhenPositive() {
        return new Operator() {
            @Override
            public String opType() {
                return "MaybeView";
            }

            @Override
            public Tensor[] run(OpContext ctx, Tensor[] in) {
                if (in[0].getFloat(0) > 0) {
                    return new Tensor[] {in[0]};
                }
                Tensor y = ctx.output(0, DType.FLOAT32, in[0].shape());
                y.copyFrom(in[0]);
                return new Tensor[] {y};
            }
        };
    }
}
