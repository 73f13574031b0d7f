package dev.vinfer.conv;

/**
 * The GEMM of {@link ChannelsLastConv}: output pixels as rows, output channels as vector columns, and the A
 * operand read straight from a channels-last copy of the input. With the channels innermost, the im2col row of an
 * output pixel for one kernel tap is a contiguous run of {@code channels} floats at {@code rowOff[pixel] +
 * tapOff[tap]}; the kernel broadcasts from those runs directly, so no im2col matrix is built and no A panel packed.
 *
 * <p>Computes, for pixels {@code i < count} and output channels {@code m0 <= m < m1}, with {@code j = m - m0} and
 * {@code B = laneBlock()}: {@code prod[pOff + (j / B) * ldb + i * B + j % B] = sum over taps t and channels c <
 * channels() of W[m][c][t] * src[sOff + rowOff[rOff + i] + tapOff[t] + c]} (W as given to
 * {@link Backend#gatherGemm}: row-major {@code outputs x channels x taps}, the usual ONNX weight layout of one
 * group). So the product comes in blocks of B channels, each pixel's B values contiguous (one vector): the layout
 * {@link Backend#unpackChannelBlock} turns into B channel rows. {@code m0} is a multiple of {@link #panelWidth()};
 * whole panels are written ({@code roundUp(m1 - m0, panelWidth()) / B} blocks, zeros past {@link #outputs()});
 * {@code ldb >= count * B}.
 *
 * <p>Prepared once per weights; immutable and safe to share between threads.
 */
public interface GatherGemm {
    /** Input channels per tap (C/G). */
    int channels();

    /** Kernel taps. */
    int taps();

    /** Output channels (M/G). */
    int outputs();

    /** Output channels per register panel; column blocks start at multiples of it. */
    int panelWidth();

    /** Channels per block of the product (a divisor of {@link #panelWidth()}). */
    int laneBlock();

    /** See the class comment. */
    void run(float[] src, int sOff, int[] rowOff, int rOff, int count, int[] tapOff, int m0, int m1, float[] prod,
            int pOff, int ldb);
}
