package dev.vinfer.ops.quant;

import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * The integer convolution behind QLinearConv and ConvInteger: int32 sums of {@code x[...] * w[...]} over already
 * zero-point-centered operands, so padding contributes 0 (a padded position holds the zero point). Accumulation
 * wraps in 32 bits, which the spec allows. Any spatial rank; a reference loop with a precomputed gather table.
 */
final class IntegerConv {
    private IntegerConv() {
    }

    /** The checked shapes of one convolution. */
    record Shape(int batch, int inChannels, int outChannels, int group, int[] inDims, int[] kernel,
            ConvGeometry.Resolved geometry) {

        int[] outputShape() {
            int[] out = new int[2 + inDims.length];
            out[0] = batch;
            out[1] = outChannels;
            System.arraycopy(geometry.outDims(), 0, out, 2, inDims.length);
            return out;
        }
    }

    /** Checks x [N, C, D...] against w [M, C/group, K...] and resolves the geometry. */
    static Shape shape(int[] xShape, int[] wShape, ConvGeometry geometry) {
        if (xShape.length < 3 || wShape.length != xShape.length) {
            throw new VinferException("convolution needs x of rank >= 3 and w of the same rank, got x "
                    + Arrays.toString(xShape) + " and w " + Arrays.toString(wShape));
        }
        int group = geometry.group();
        int c = xShape[1];
        int m = wShape[0];
        if (c % group != 0 || m % group != 0 || wShape[1] * group != c) {
            throw new VinferException("x " + Arrays.toString(xShape) + " and w " + Arrays.toString(wShape)
                    + " do not fit group " + group);
        }
        int[] inDims = Arrays.copyOfRange(xShape, 2, xShape.length);
        int[] kernel = Arrays.copyOfRange(wShape, 2, wShape.length);
        return new Shape(xShape[0], c, m, group, inDims, kernel, geometry.resolve(inDims, kernel));
    }

    /** int32 accumulators of shape {@link Shape#outputShape()}; x and w are centered, row-major. */
    static int[] convolve(int[] x, int[] w, Shape s) {
        int inSpatial = Shapes.size(s.inDims());
        int kernelSize = Shapes.size(s.kernel());
        int outSpatial = Shapes.size(s.geometry().outDims());
        int[] gather = gatherTable(s, outSpatial, kernelSize);
        int cPerGroup = s.inChannels() / s.group();
        int mPerGroup = s.outChannels() / s.group();
        int[] acc = new int[s.batch() * s.outChannels() * outSpatial];
        for (int n = 0; n < s.batch(); n++) {
            for (int m = 0; m < s.outChannels(); m++) {
                int g = m / mPerGroup;
                int outBase = (n * s.outChannels() + m) * outSpatial;
                for (int cg = 0; cg < cPerGroup; cg++) {
                    int xBase = (n * s.inChannels() + g * cPerGroup + cg) * inSpatial;
                    int wBase = (m * cPerGroup + cg) * kernelSize;
                    for (int o = 0; o < outSpatial; o++) {
                        int sum = 0;
                        int row = o * kernelSize;
                        for (int k = 0; k < kernelSize; k++) {
                            int at = gather[row + k];
                            if (at >= 0) {
                                sum += x[xBase + at] * w[wBase + k];
                            }
                        }
                        acc[outBase + o] += sum;
                    }
                }
            }
        }
        return acc;
    }

    /**
     * For every (output position, kernel position) the spatial index of the input element it reads, or -1 where
     * that falls in the padding.
     */
    private static int[] gatherTable(Shape s, int outSpatial, int kernelSize) {
        ConvGeometry.Resolved geo = s.geometry();
        int r = s.inDims().length;
        int[] inStrides = Shapes.strides(s.inDims());
        int[] table = new int[Math.multiplyExact(outSpatial, kernelSize)];
        int[] outIdx = new int[r];
        int[] kIdx = new int[r];
        for (int o = 0; o < outSpatial; o++) {
            Arrays.fill(kIdx, 0);
            for (int k = 0; k < kernelSize; k++) {
                int at = 0;
                for (int a = 0; a < r && at >= 0; a++) {
                    long pos = (long) outIdx[a] * geo.strides()[a] - geo.padBegin()[a]
                            + (long) kIdx[a] * geo.dilations()[a];
                    at = pos < 0 || pos >= s.inDims()[a] ? -1 : at + (int) pos * inStrides[a];
                }
                table[o * kernelSize + k] = at;
                increment(kIdx, s.kernel());
            }
            increment(outIdx, geo.outDims());
        }
        return table;
    }

    /** Advances a row-major multi-index within {@code dims}. */
    private static void increment(int[] idx, int[] dims) {
        for (int a = idx.length - 1; a >= 0; a--) {
            if (++idx[a] < dims[a]) {
                return;
            }
            idx[a] = 0;
        }
    }
}
