package dev.vinfer.conv;

/**
 * A convolution on channel-blocked tensors ({@link NchwcLayout}) by the channels-last gather GEMM
 * ({@link ChannelsLastConv}, {@link ConvAlgorithm#CHANNELS_LAST}): what a run of blocked layers uses for ResNet's
 * strided 3x3 layers (56->28, 28->14, 14->7), which the NCHW kernels ran fastest as channels-last GEMMs between two
 * reorders. Here there are no reorders: the blocked input is copied into the channels-last layout a pixel's 16
 * channels at a time (a copy, where NCHW needed a transpose), and each output pixel's channels go from the GEMM's
 * product straight into the blocked output with bias, residual and Relu/Clip. Each thread copies the input rows its
 * own GEMM tasks read.
 *
 * <p>Measured (session 17, Zen 5, {@code SwitchPairedComparison MODEL T N vinfer.nchwc.gather false true}, one JVM,
 * alternated): ResNet-18 0.993 of the time at one thread and 0.986 at two (its three strided layers and six reorder
 * nodes 2.50 -> 2.33 ms at one thread), ResNet-50 1.002 and 0.972. A first version that copied and wrote the 16
 * lanes of a position in plain Java loops was 17-28% slower on those layers than the NCHW kernel between reorders;
 * the copy is now {@code System.arraycopy} and the output a vector pass ({@link Backend#blockBiasClamp}).
 *
 * <p>One group; input and output channel counts multiples of 16 (no lanes to zero); any rank, kernel, stride,
 * dilation and padding the channels-last kernel supports.
 */
public final class NchwcGatherConv implements NchwcConvKernel {
    private final ConvGeometry g;
    private final ChannelsLastConv conv;

    private NchwcGatherConv(ConvGeometry g, ChannelsLastConv conv) {
        this.g = g;
        this.conv = conv;
    }

    /** Whether this kernel computes {@code g}: one group, channels multiples of 16, a layout that fits. */
    public static boolean supports(ConvGeometry g) {
        return g.group() == 1 && g.inChannels() % NchwcLayout.BLOCK == 0 && g.outChannels() % NchwcLayout.BLOCK == 0
                && ChannelsLastConv.supports(g);
    }

    /** Packs {@code w} ({@code M x C x kernel...} from {@code wOff}) and the optional bias for {@code g}. */
    public static NchwcGatherConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e) {
        return prepare(g, w, wOff, bias, e, Kernels.backend());
    }

    /** As {@link #prepare(ConvGeometry, float[], int, float[], Epilogue)} on the given backend. */
    public static NchwcGatherConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e,
            Backend backend) {
        if (!supports(g)) {
            throw new IllegalArgumentException("blocked channels-last conv needs one group, channel counts that are"
                    + " multiples of 16 and a layout that fits: " + g);
        }
        NchwcChecks.weights(g, w, wOff, bias);
        return new NchwcGatherConv(g, new ChannelsLastConv(g, w, wOff, bias, e == null ? Epilogue.NONE : e, backend,
                true));
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    @Override
    public void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p) {
        NchwcChecks.run(in, inOff, inputLength(), out, outOff, outputLength(), res, resOff);
        conv.compute(in, inOff, out, outOff, res, res == null ? 0 : resOff - outOff, p);
    }

    @Override
    public String toString() {
        return "NchwcGatherConv[" + g + "]";
    }
}
