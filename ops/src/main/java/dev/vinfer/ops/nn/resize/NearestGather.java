package dev.vinfer.ops.nn.resize;

import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;

/** Nearest-neighbour resize as an exact element copy, for every dtype. */
final class NearestGather {
    private NearestGather() {
    }

    static void gather(Tensor x, Tensor y, AxisSampling[] sampling, double extrapolation) {
        int[] from = sourceIndices(x.shape(), sampling, y.size());
        int xo = x.offset();
        int yo = y.offset();
        switch (x.dtype()) {
            case FLOAT32 -> {
                float[] in = x.floats();
                float[] out = y.floats();
                float e = (float) extrapolation;
                for (int k = 0; k < from.length; k++) {
                    out[yo + k] = from[k] < 0 ? e : in[xo + from[k]];
                }
            }
            case FLOAT64 -> {
                double[] in = x.doubles();
                double[] out = y.doubles();
                for (int k = 0; k < from.length; k++) {
                    out[yo + k] = from[k] < 0 ? extrapolation : in[xo + from[k]];
                }
            }
            default -> {
                double[] e = {extrapolation};
                for (int k = 0; k < from.length; k++) {
                    if (from[k] < 0) {
                        DoubleBuffers.write(y, k, e, 0, 1);
                    } else {
                        y.setLong(k, x.getLong(from[k]));
                    }
                }
            }
        }
    }

    /** For each output element (row-major), the input element it copies, or -1 where it extrapolates. */
    private static int[] sourceIndices(int[] inShape, AxisSampling[] sampling, int outSize) {
        int rank = inShape.length;
        int[] strides = Shapes.strides(inShape);
        int[] from = new int[outSize];
        int[] idx = new int[rank];
        for (int k = 0; k < outSize; k++) {
            int src = 0;
            for (int a = 0; a < rank; a++) {
                AxisSampling s = sampling[a];
                if (s.extrapolated(idx[a])) {
                    src = -1;
                    break;
                }
                src += s.index(idx[a], 0) * strides[a];
            }
            from[k] = src;
            for (int a = rank - 1; a >= 0; a--) {
                if (++idx[a] < sampling[a].outLen) {
                    break;
                }
                idx[a] = 0;
            }
        }
        return from;
    }
}
