package dev.vinfer.conv;

/**
 * Winograd convolution {@code F(m x m, 3 x 3)} on channel-blocked tensors ({@link NchwcLayout}): a 2-D, one-group
 * 3x3 convolution with stride 1 and dilation 1 and any padding, input {@code [N][ceil(C/16)][H][W][16]}, output and
 * optional residual {@code [N][ceil(M/16)][OH][OW][16]}, computing {@code e(conv(in) + res + bias)}.
 *
 * <p>SKELETON: the API of the blocked Winograd kernel; this first version computes through {@link NchwcDirectConv}
 * (same results, direct speed) while the transforms are written.
 */
public final class NchwcWinogradConv {
    private final ConvGeometry g;
    private final int m;
    private final NchwcDirectConv direct;

    private NchwcWinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e,
            Backend backend) {
        this.g = g;
        this.m = m;
        this.direct = NchwcDirectConv.prepare(g, w, wOff, bias, e, backend);
    }

    /** Whether {@code g} is a convolution this kernel computes: 2-D, one group, 3x3, stride 1, dilation 1. */
    public static boolean supports(ConvGeometry g) {
        return g.rank() == 2 && g.group() == 1 && WinogradConv.supports(g);
    }

    /**
     * The tile outputs per axis (2, 4 or 6) at which the NCHW kernels' AUTO choice ({@link ConvAlgorithm#choose})
     * runs {@code g} with Winograd, or 0 where it does not (then this kernel is not the one to use).
     */
    public static int autoTileOutputs(ConvGeometry g) {
        if (!supports(g)) {
            return 0;
        }
        ConvAlgorithm a = AutoWinogradRule.winograd(g);
        if (a == null) {
            return 0;
        }
        return switch (a) {
            case WINOGRAD_F2_3 -> 2;
            case WINOGRAD_F4_3 -> 4;
            case WINOGRAD_F6_3 -> 6;
            default -> 0;
        };
    }

    /**
     * Packs {@code w} ({@code M x C x 3 x 3} from {@code wOff}) transformed for F(m x m, 3 x 3), {@code m} 2, 4 or
     * 6, and the optional bias ({@code M} values) for {@code g}.
     */
    public static NchwcWinogradConv prepare(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e) {
        return prepare(g, m, w, wOff, bias, e, Kernels.backend());
    }

    /** As {@link #prepare(ConvGeometry, int, float[], int, float[], Epilogue)} on the given backend. */
    public static NchwcWinogradConv prepare(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e,
            Backend backend) {
        if (!supports(g)) {
            throw new IllegalArgumentException("NCHWc Winograd needs a 2-D, one-group 3x3 conv of stride 1 and"
                    + " dilation 1: " + g);
        }
        if (m != 2 && m != 4 && m != 6) {
            throw new IllegalArgumentException("no Winograd F(" + m + ",3)");
        }
        NchwcChecks.weights(g, w, wOff, bias);
        return new NchwcWinogradConv(g, m, w, wOff, bias, e == null ? Epilogue.NONE : e, backend);
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** Outputs per tile along each axis (2, 4 or 6). */
    public int tileOutputs() {
        return m;
    }

    /** The algorithm this computes ({@link ConvAlgorithm#WINOGRAD_F2_3} and so on), for its error bound. */
    public ConvAlgorithm algorithm() {
        return WinogradConv.algorithmFor(m);
    }

    /** Floats of the blocked input, {@code N x ceil(C/16) x H x W x 16}. */
    public long inputLength() {
        return NchwcLayout.length(g.batch(), g.inChannels(), g.inputPlane());
    }

    /** Floats of the blocked output (and residual), {@code N x ceil(M/16) x OH x OW x 16}. */
    public long outputLength() {
        return NchwcLayout.length(g.batch(), g.outChannels(), g.outputPlane());
    }

    /**
     * {@code out = e(conv(in) + bias + res)}, all blocked; {@code res} may be null. The output's lanes past M are
     * written as zeros.
     */
    public void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p) {
        direct.run(in, inOff, out, outOff, res, resOff, p);
    }
}
