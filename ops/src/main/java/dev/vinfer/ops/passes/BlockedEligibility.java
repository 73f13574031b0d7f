package dev.vinfer.ops.passes;

import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.NchwcStemConv;
import dev.vinfer.conv.NchwcWinogradConv;
import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.conv.NchwcConcatOp;
import dev.vinfer.ops.conv.NchwcMaxPoolOp;
import dev.vinfer.ops.nn.norm.BatchNormalizationOp;
import dev.vinfer.ops.nn.pool.AveragePoolOp;
import dev.vinfer.ops.nn.pool.MaxPoolOp;
import dev.vinfer.ops.passes.ChannelBlockedChains.Kind;
import dev.vinfer.ops.shape.ConcatOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;

/**
 * Which nodes {@link ChannelBlockedChains} may put in a blocked run, and as what ({@link #kind}): the rules per
 * convolution shape with the measurements they rest on, and the channel counts of activations told from their
 * producers (this pass knows no shapes).
 */
final class BlockedEligibility {
    private BlockedEligibility() {
    }

    static int channelsIn(ConvOp c) {
        return c.constantWeights().shape()[1] * c.attributes().group();
    }

    static int channelsOut(ConvOp c) {
        return c.constantWeights().shape()[0];
    }

    /**
     * The channel count of a 4-D activation, from its producers (no shapes are known to this pass): a convolution's
     * weights, through max pools and channel Concats; -1 when it cannot be told.
     */
    static int channels(Value v, GraphIndex index) {
        return channels(v, index, 0);
    }

    static int channels(Value v, GraphIndex index, int depth) {
        Node p = index.producer(v);
        // deep enough for DenseNet-201's 48-layer block, each layer a Concat and a BatchNorm on the way back
        if (p == null || depth > 256 || p.outputCount() < 1 || p.output(0) != v) {
            return -1;
        }
        if (p.op() instanceof ConvOp c && c.constantWeights() != null && c.constantWeights().rank() == 4) {
            return channelsOut(c);
        }
        // ops that keep the channel count: pools (DenseNet's transitions end in an AveragePool) and BatchNorms
        if ((p.op() instanceof MaxPoolOp || p.op() instanceof AveragePoolOp || p.op() instanceof BatchNormalizationOp)
                && p.inputCount() >= 1) {
            return channels(p.input(0), index, depth + 1);
        }
        if (p.op() instanceof ConcatOp cc && channelAxis(cc)) {
            int sum = 0;
            for (int i = 0; i < p.inputCount(); i++) {
                int c = channels(p.input(i), index, depth + 1);
                if (c < 0) {
                    return -1;
                }
                sum += c;
            }
            return sum;
        }
        return -1;
    }

    static int[] inputChannels(Node n, GraphIndex index) {
        int[] c = new int[n.inputCount()];
        for (int i = 0; i < c.length; i++) {
            c[i] = channels(n.input(i), index);
        }
        return c;
    }

    /** Axis 1 of a 4-D tensor (its inputs are convolution outputs: 4-D). */
    static boolean channelAxis(ConcatOp c) {
        return c.axis() == 1 || c.axis() == -3;
    }

    /**
     * The kind an eligible node becomes, or null; {@code winograd}, {@code stem}, {@code gather}: whether
     * {@link Kind#WINOGRAD}, {@link Kind#STEM}, {@link Kind#GATHER} may be chosen.
     */
    static Kind kind(Node n, GraphIndex index, boolean winograd, boolean stem, boolean gather) {
        if (n.outputCount() < 1 || n.output(0) == null) {
            return null;
        }
        if (n.op() instanceof MaxPoolOp mp) {
            boolean indices = n.outputCount() > 1 && n.output(1) != null;
            return !indices && !mp.withIndices() && n.inputCount() == 1 && NchwcMaxPoolOp.supports(mp.window())
                    && channels(n.input(0), index) > 0 ? Kind.MAX_POOL : null;
        }
        if (n.op() instanceof BatchNormalizationOp) {
            return batchNorm(n, index) ? Kind.BATCH_NORM : null;
        }
        if (n.op() instanceof AveragePoolOp ap) {
            return ap.wholeWindows2d() && n.inputCount() == 1 && n.outputCount() == 1
                    && channels(n.input(0), index) > 0 ? Kind.AVG_POOL : null;
        }
        if (n.op() instanceof ConcatOp cc) {
            if (!channelAxis(cc) || n.outputCount() != 1 || n.inputCount() < 1) {
                return null;
            }
            int[] c = inputChannels(n, index);
            for (int x : c) {
                if (x < 0) {
                    return null;
                }
            }
            return NchwcConcatOp.supports(c) ? Kind.CONCAT : null;
        }
        if (!(n.op() instanceof ConvOp c) || n.outputCount() != 1 || n.inputCount() < 2 || n.input(0) == null) {
            return null;
        }
        Tensor w = c.constantWeights();
        if (w == null || n.input(1) == null || n.input(1).constant() != w || w.rank() != 4) {
            return null;
        }
        Value b = n.inputCount() > 2 ? n.input(2) : null;
        if (b == null ? c.constantBias() != null : !(b.isConstant() && b.constant() == c.constantBias())) {
            return null;
        }
        if (c.hasResidual() && (n.inputCount() <= ConvOp.RESIDUAL_INPUT || n.input(ConvOp.RESIDUAL_INPUT) == null)) {
            return null;
        }
        int[] ws = w.shape();
        int group = c.attributes().group();
        if (group == 1 && ws[2] == 1 && ws[3] == 1 && noPads(c)) {
            return Kind.POINTWISE;
        }
        if (group > 1 && ws[0] == group && ws[1] == 1) {
            return Kind.DEPTHWISE;
        }
        if (group == 1 && stem && !c.hasResidual() && stem(c, ws)) {
            return Kind.STEM;
        }
        if (group == 1 && winograd && winograd(c, ws)) {
            return Kind.WINOGRAD;
        }
        if (group == 1 && gather && gather(c, ws)) {
            return Kind.GATHER;
        }
        if (group == 1 && directPays(c, ws)) {
            return Kind.DIRECT;
        }
        return null;
    }

    /**
     * Whether {@code c} is a 3x3, stride-1, one-group convolution of at least 16 channels on each side
     * ({@link NchwcWinogradConv#blockable}): blocked Winograd where its plane is large enough, the NCHW kernel between
     * reorders where it is not (decided when the kernel is prepared for the actual shape, {@code NchwcConvOp}; the
     * planes are not known here).
     */
    static boolean winograd(ConvOp c, int[] ws) {
        try {
            ConvGeometry g = c.geometryFor(new int[] {1, ws[1] * c.attributes().group(), 16, 16}, ws);
            return NchwcWinogradConv.blockable(g);
        } catch (RuntimeException e) {
            return false; // attributes that do not fit a 2-D convolution: not for this kernel
        }
    }

    /**
     * Where the blocked direct convolution is expected to beat the NCHW algorithms. Measured (session 11, Zen 5, one
     * thread, {@code NchwcProbe direct,...} against the kernel {@code Convolutions.prepare} picks): 0.88-1.05 of the
     * NCHW time on SqueezeNet's 16 -> 64 @55x55 and 32 -> 128 @27x27 expand 3x3 layers, 1.15-1.3 on ResNet's 3x3/2
     * layers, 1.3-2.2 where the NCHW path runs Winograd (13x13 and larger channel counts). So: stride 1 and at most
     * {@code vinfer.nchwc.directChannels} (32) input channels; a stem (fewer than 16, padded to 16) never.
     */
    static boolean directPays(ConvOp c, int[] ws) {
        int channels = ws[1];
        if (channels < 16 || ws[2] == 1 && ws[3] == 1) {
            return false; // a stem (3 channels padded to 16) or a padded 1x1
        }
        boolean strided = strided(c);
        return strided ? Boolean.getBoolean("vinfer.nchwc.directStrided")
                : channels <= Integer.getInteger("vinfer.nchwc.directChannels", 32);
    }

    /**
     * Whether {@code c} is a stem the blocked stem kernel runs from the plain input ({@code NchwcStemConv#standsIn}:
     * a layer the NCHW kernels' AUTO choice runs with its stem kernel, with at least 16 output channels). Measured
     * (session 13, Zen 5, one thread, alternated with the NCHW stem kernel on the same layer, output rotated over 8
     * copies): 1.07 of its time on SqueezeNet's 3 -> 64 3x3/2, 0.96 on ResNet's 7x7/2, 0.90 on MobileNetV2's 3 -> 32
     * 3x3/2; ShuffleNet's 3 -> 24 (1.5: 32 lanes computed for 24) never reaches here, its channels do not block.
     */
    static boolean stem(ConvOp c, int[] ws) {
        try {
            // the plane does not matter to the rule: any that the kernel covers
            return NchwcStemConv.standsIn(c.geometryFor(new int[] {1, ws[1] * c.attributes().group(), 64, 64}, ws));
        } catch (RuntimeException e) {
            return false; // attributes that do not fit a 2-D convolution: not for this kernel
        }
    }

    /**
     * Whether {@code c} is a strided convolution (larger than 1x1) of channel counts that are multiples of 16, for
     * the blocked channels-last GEMM ({@code NchwcGatherConv}): ResNet's 3x3/2 layers, which the NCHW kernels run
     * as the same GEMM (channels_last) between a reorder from and one back to the blocked layout. Measured in
     * session 17 (Zen 5, {@code SwitchPairedComparison ... vinfer.nchwc.gather false true}, one JVM): see
     * {@code NchwcGatherConv}.
     */
    static boolean gather(ConvOp c, int[] ws) {
        if (ws[0] % 16 != 0 || ws[1] % 16 != 0 || ws[2] == 1 && ws[3] == 1) {
            return false;
        }
        try {
            return strided(c);
        } catch (RuntimeException e) {
            return false; // attributes that do not fit a 2-D convolution: the NCHW op reports them
        }
    }

    /**
     * Whether a BatchNormalization node runs blocked: inference with one constant float parameter per channel of an
     * input whose channel count its producers tell, and one output.
     */
    static boolean batchNorm(Node n, GraphIndex index) {
        if (!(n.op() instanceof BatchNormalizationOp bn) || !bn.perChannelInference() || n.inputCount() != 5
                || n.outputCount() != 1 || n.input(0) == null) {
            return false;
        }
        int c = channels(n.input(0), index);
        if (c < 1) {
            return false;
        }
        for (int i = 1; i < 5; i++) {
            Value v = n.input(i);
            if (v == null || !v.isConstant() || v.constant().dtype() != DType.FLOAT32
                    || v.constant().size() != c) {
                return false;
            }
        }
        return true;
    }

    static boolean noPads(ConvOp c) {
        for (int d = 0; d < 2; d++) {
            int[] p = c.attributes().padding().resolve(d, 16, 1, c.attributes().stride(d), c.attributes().dilation(d));
            if (p[0] != 0 || p[1] != 0) {
                return false;
            }
        }
        return true;
    }

    static boolean strided(ConvOp c) {
        return c.attributes().stride(0) != 1 || c.attributes().stride(1) != 1;
    }
}
