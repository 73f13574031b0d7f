package dev.vinfer.ops.quant;

import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/** Subtracting zero points from quantized operands, giving exact ints for the integer kernels. */
final class Centering {
    private Centering() {
    }

    /** {@code t - zeroPoint} element-wise. */
    static int[] centered(Tensor t, int zeroPoint) {
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = QuantMath.intAt(t, i) - zeroPoint;
        }
        return out;
    }

    /**
     * {@code t - zeroPoints[c]} where c is the index along axis 0 (the output channel of conv weights);
     * {@code zeroPoints} has one value (per tensor) or one per channel.
     */
    static int[] centeredPerChannel(Tensor t, int[] zeroPoints) {
        int channels = t.rank() == 0 ? 1 : t.dim(0);
        int perChannel = channels == 0 ? 0 : t.size() / channels;
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            int zp = zeroPoints.length == 1 ? zeroPoints[0] : zeroPoints[i / perChannel];
            out[i] = QuantMath.intAt(t, i) - zp;
        }
        return out;
    }

    /** A per-tensor or per-channel parameter's values: absent gives {0}; else 1 or {@code channels} values. */
    static int[] channelZeroPoints(Tensor zp, int channels, String what) {
        if (zp == null) {
            return new int[] {0};
        }
        requireChannelCount(zp, channels, what);
        return QuantMath.ints(zp);
    }

    /** Scales for a per-tensor or per-channel parameter: 1 or {@code channels} values. */
    static float[] channelScales(Tensor scale, int channels, String what) {
        requireChannelCount(scale, channels, what);
        float[] out = new float[scale.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = QuantMath.scaleAt(scale, i, what);
        }
        return out;
    }

    private static void requireChannelCount(Tensor t, int channels, String what) {
        if (t.size() != 1 && (t.rank() != 1 || t.size() != channels)) {
            throw new VinferException(what + " must be a scalar or hold " + channels + " values, got shape "
                    + Arrays.toString(t.shape()));
        }
    }
}
