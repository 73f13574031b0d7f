package dev.vinfer.quantization.exec;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import java.util.ArrayList;
import java.util.List;

/**
 * The float-engine kernels a {@link QConvOp} runs for one input shape: one kernel over the whole reduction (exact
 * while the input keeps every partial sum within 2^24, see {@link ExactBlocking}), an optional Winograd kernel (not
 * exact, used where float32 would use it), and, made when an input first needs them, input-channel blocks whose
 * reductions are exact for any input.
 */
final class QConvPlan {
    /** One input-channel block {@code [c0, c1)} and its kernel. */
    record Block(int c0, int c1, ConvKernel kernel) {
    }

    /** The centered integer weights {@code [M, C/G, k...]} and the L1 norms the exact blocking needs. */
    record Weights(float[] centered, long[][] channelL1, long maxRowL1) {
    }

    final ConvGeometry geometry;
    final ConvKernel single;
    /** A Winograd kernel where the engine would choose (or is forced to) one and it is allowed, else null. */
    final ConvKernel fast;
    final int outPlane;
    private final Weights weights;
    private final int maxCentered;
    private final String forcedName;
    private volatile List<Block> blocks;

    private QConvPlan(ConvGeometry geometry, Weights weights, int maxCentered, String forcedName, boolean winograd) {
        this.geometry = geometry;
        this.weights = weights;
        this.maxCentered = maxCentered;
        this.forcedName = forcedName;
        int plane = 1;
        for (int d = 0; d < geometry.rank(); d++) {
            plane *= geometry.outputDim(d);
        }
        this.outPlane = plane;
        this.single = Convolutions.prepare(geometry, weights.centered(), 0, null, null,
                exactAlgorithm(geometry, forcedName));
        ConvAlgorithm wanted = wantedAlgorithm(geometry, forcedName);
        this.fast = winograd && wanted.name().startsWith("WINOGRAD")
                ? Convolutions.prepare(geometry, weights.centered(), 0, null, null, wanted) : null;
    }

    /**
     * @param maxCentered the largest |x - zx| the input type allows (bounds the blocks exact for any input)
     * @param forcedName  the session's forced algorithm name, or null / "auto"
     * @param winograd    whether a Winograd kernel may be made where the engine picks one
     */
    static QConvPlan of(ConvGeometry geometry, Weights weights, int maxCentered, String forcedName,
            boolean winograd) {
        return new QConvPlan(geometry, weights, maxCentered, forcedName, winograd);
    }

    /** The exact input-channel blocks (made on first call). */
    List<Block> blocked() {
        List<Block> b = blocks;
        if (b == null) {
            synchronized (this) {
                if (blocks == null) {
                    blocks = makeBlocks();
                }
                b = blocks;
            }
        }
        return b;
    }

    String describe() {
        List<Block> b = blocks;
        return (fast != null ? fast.algorithm().name().toLowerCase() + " (int8 exact: " : "")
                + single.algorithm().name().toLowerCase() + (fast != null ? ")" : "")
                + (b != null && b.size() > 1 ? ", " + b.size() + " exact blocks when needed" : "");
    }

    /**
     * Input-channel blocks whose reduction is exact for any input: for every output channel, the L1 norm of its
     * weights over the block times the largest possible |x - zx| stays within 2^24. A grouped convolution that needs
     * blocks runs whole on the engine's double-accumulating direct algorithm instead.
     */
    private List<Block> makeBlocks() {
        ConvGeometry g = geometry;
        long limit = ExactBlocking.EXACT_LIMIT / Math.max(1, maxCentered);
        if (weights.maxRowL1() <= limit) {
            return List.of(new Block(0, g.inChannels(), single));
        }
        if (g.group() != 1) {
            return List.of(new Block(0, g.inChannels(),
                    Convolutions.prepare(g, weights.centered(), 0, null, null, ConvAlgorithm.DIRECT)));
        }
        long[][] channelL1 = weights.channelL1();
        int m = g.outChannels();
        List<Block> result = new ArrayList<>();
        long[] run = new long[m];
        int c0 = 0;
        for (int ch = 0; ch <= g.inChannels(); ch++) {
            boolean fits = ch < g.inChannels();
            for (int o = 0; fits && o < m; o++) {
                fits = run[o] + channelL1[o][ch] <= limit;
            }
            if (fits || ch == c0 && ch < g.inChannels()) {
                for (int o = 0; o < m; o++) {
                    run[o] += channelL1[o][ch];
                }
                continue;
            }
            result.add(block(c0, ch));
            c0 = ch;
            java.util.Arrays.fill(run, 0);
            if (ch < g.inChannels()) {
                for (int o = 0; o < m; o++) {
                    run[o] = channelL1[o][ch];
                }
            }
        }
        return List.copyOf(result);
    }

    private Block block(int c0, int c1) {
        ConvGeometry g = geometry;
        int rank = g.rank();
        int[] kernel = g.kernelDims();
        int[] strides = new int[rank];
        int[] dilations = new int[rank];
        int[] padsBegin = new int[rank];
        int[] padsEnd = new int[rank];
        int kernelSize = 1;
        for (int d = 0; d < rank; d++) {
            strides[d] = g.stride(d);
            dilations[d] = g.dilation(d);
            padsBegin[d] = g.padBegin(d);
            padsEnd[d] = g.padEnd(d);
            kernelSize *= kernel[d];
        }
        ConvGeometry gb = ConvGeometry.of(g.batch(), c1 - c0, g.outChannels(), 1, g.inputDims(), kernel, strides,
                dilations, padsBegin, padsEnd);
        float[] w = weights.centered();
        float[] wb = new float[g.outChannels() * (c1 - c0) * kernelSize];
        for (int o = 0; o < g.outChannels(); o++) {
            System.arraycopy(w, (o * g.inChannels() + c0) * kernelSize, wb, o * (c1 - c0) * kernelSize,
                    (c1 - c0) * kernelSize);
        }
        return new Block(c0, c1, Convolutions.prepare(gb, wb, 0, null, null, exactAlgorithm(gb, forcedName)));
    }

    /** The forced or chosen algorithm if it is a plain summation, else im2col. */
    private static ConvAlgorithm exactAlgorithm(ConvGeometry g, String forcedName) {
        ConvAlgorithm a = wantedAlgorithm(g, forcedName);
        return switch (a) {
            case DIRECT, IM2COL, POINTWISE, DEPTHWISE, DEPTHWISE_BLOCKED, IMPLICIT_IM2COL, PIXEL_ROWS, CHANNELS_LAST,
                    STEM_DIRECT -> a;
            default -> ConvAlgorithm.IM2COL;
        };
    }

    /** The forced algorithm if it supports this geometry, else the engine's choice. */
    private static ConvAlgorithm wantedAlgorithm(ConvGeometry g, String forcedName) {
        ConvAlgorithm a = ConvAlgorithm.AUTO;
        if (forcedName != null && !forcedName.equalsIgnoreCase("auto")) {
            try {
                a = ConvAlgorithm.parse(forcedName);
            } catch (IllegalArgumentException e) {
                a = ConvAlgorithm.AUTO;
            }
        }
        if (a == ConvAlgorithm.AUTO || !a.supports(g)) {
            a = ConvAlgorithm.choose(g);
        }
        return a;
    }
}
