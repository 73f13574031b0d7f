package dev.vinfer.conv;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The input of a convolution copied once per run into a layout where every kernel tap is a constant offset from the
 * output pixel: zero-padded, and split along each strided axis into its stride phases. Padded position
 * {@code (z, y, x)} of channel c goes to phase {@code (z mod sD, y mod sH, x mod sW)} at
 * {@code (z / sD, y / sH, x / sW)} of that phase's block. Tap {@code (kd, kh, kw)} of output pixel
 * {@code (od, oh, ow)} reads padded {@code (od * sD + kd * dD, ...)}, which is phase {@code kd * dD mod sD} at
 * {@code od + kd * dD / sD} (and likewise for H and W): the tap's offset plus {@code od * planePitch + oh * rowPitch
 * + ow}, the same for every tap. So a run of output pixels along a row reads a contiguous run of the layout for every
 * tap, and im2col becomes block copies straight into the GEMM's panels ({@link PanelGemm}).
 *
 * <p>Size: about the padded input (each phase block is {@code ceil(extent / stride)} long per axis), plus
 * {@link PanelGemm#SOURCE_SLACK} floats.
 */
final class PhaseSplitInput {
    private static final AtomicLong OWNERS = new AtomicLong();
    private static final ThreadLocal<ThreadBuffer> BUFFER = ThreadLocal.withInitial(ThreadBuffer::new);

    /**
     * A calling thread's layout buffer, one for every kernel that copies its input into this layout (the NCHW and
     * the blocked stem kernels), and the kernel that used it last.
     */
    private static final class ThreadBuffer {
        long owner = -1;
        float[] data = new float[0];
    }

    private final Shape3 s;
    /** Phase block extents. */
    private final int pD;
    private final int pH;
    private final int pW;
    /** Floats in one phase block, one channel (all phases), and the whole layout. */
    final int phaseSize;
    final int channelStride;
    final int length;

    PhaseSplitInput(Shape3 s, int channels) {
        this.s = s;
        this.pD = phaseExtent(s.pD, s.inD, s.outD, s.kD, s.sD, s.dD);
        this.pH = phaseExtent(s.pH, s.inH, s.outH, s.kH, s.sH, s.dH);
        this.pW = phaseExtent(s.pW, s.inW, s.outW, s.kW, s.sW, s.dW);
        long phase = (long) pD * pH * pW;
        long channel = phase * s.sD * s.sH * s.sW;
        long total = channel * channels + PanelGemm.SOURCE_SLACK;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("phase-split input of " + total + " floats is too large");
        }
        this.phaseSize = (int) phase;
        this.channelStride = (int) channel;
        this.length = (int) total;
    }

    /** A number naming a kernel to {@link #threadBuffer} (one per prepared kernel). */
    static long newOwner() {
        return OWNERS.incrementAndGet();
    }

    /**
     * The calling thread's buffer for this layout of {@code channels} channels, its padding zeroed unless kernel
     * {@code owner} used it last (then it is zero still: {@link #fill} writes only the positions the input covers).
     */
    float[] threadBuffer(long owner, int channels) {
        ThreadBuffer b = BUFFER.get();
        if (b.data.length < length) {
            b.data = new float[length];
        } else if (b.owner != owner) {
            clearPadding(b.data, channels);
        }
        b.owner = owner;
        return b.data;
    }

    /** Whether the layout for {@code g} fits in one array. */
    static boolean fits(ConvGeometry g) {
        try {
            new PhaseSplitInput(Shape3.of(g), g.inChannels());
            return true;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return false;
        }
    }

    /**
     * Length of one axis's phase block: the padded extent the taps reach (and the input covers), divided by the
     * stride, rounded up.
     */
    private static int phaseExtent(int padBegin, int in, int out, int k, int stride, int dilation) {
        long reach = Math.max((long) padBegin + in, (long) (out - 1) * stride + (long) (k - 1) * dilation + 1);
        return Math.toIntExact(Math.ceilDiv(reach, stride));
    }

    /** How pixels map to the layout (see {@link PanelGemm.PixelGrid}). */
    PanelGemm.PixelGrid grid() {
        return new PanelGemm.PixelGrid(s.outW, s.outH, pW, pH * pW);
    }

    /**
     * Each tap's offset for {@code channels} channels, in the weights' order {@code (c, kd, kh, kw)} (the GEMM's k
     * index).
     */
    int[] tapOffsets(int channels) {
        int[] off = new int[Math.multiplyExact(channels, s.kernelSize())];
        int i = 0;
        for (int c = 0; c < channels; c++) {
            for (int kd = 0; kd < s.kD; kd++) {
                int zd = kd * s.dD;
                for (int kh = 0; kh < s.kH; kh++) {
                    int yd = kh * s.dH;
                    for (int kw = 0; kw < s.kW; kw++) {
                        int xd = kw * s.dW;
                        int phase = ((zd % s.sD) * s.sH + yd % s.sH) * s.sW + xd % s.sW;
                        off[i++] = c * channelStride + phase * phaseSize + (zd / s.sD) * pH * pW + (yd / s.sH) * pW
                                + xd / s.sW;
                    }
                }
            }
        }
        return off;
    }

    /**
     * Copies {@code channels} input channels (planes {@code s.inPlane()} apart from {@code in[inOff]}) into
     * {@code dst}, rows split over {@code p}. Writes only the positions the input covers: the padding keeps whatever
     * {@code dst} holds there (zeros, as the caller keeps them).
     */
    void fill(float[] in, int inOff, int channels, float[] dst, Backend backend, Parallel p) {
        int rows = channels * s.inD * s.inH;
        p.forRange(rows, 64, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                fillRow(in, inOff, dst, backend, r);
            }
        });
    }

    /**
     * As {@link #fill}, on the calling thread, of the input rows {@code [from, to)} (numbered {@code z * inH + y})
     * of every channel: a thread task copies the rows its own output rows read ({@link #inputRows}), so that it
     * reads no line another core wrote.
     */
    void fillRows(float[] in, int inOff, int channels, float[] dst, Backend backend, int from, int to) {
        int perChannel = s.inD * s.inH;
        for (int c = 0; c < channels; c++) {
            for (int r = c * perChannel + from; r < c * perChannel + to; r++) {
                fillRow(in, inOff, dst, backend, r);
            }
        }
    }

    /**
     * The input rows ({@code z * inH + y}, half-open) that output rows {@code [r0, r1)} (numbered
     * {@code z * outH + y}) read, padding excluded; over several output planes, whole input planes (a superset).
     * Returned as {@code from << 32 | to} (no allocation per task); 0 when they read none.
     */
    long inputRows(int r0, int r1) {
        if (r0 >= r1) {
            return 0;
        }
        int z0 = r0 / s.outH;
        int z1 = (r1 - 1) / s.outH;
        int zLo = s.firstPlaneRead(z0);
        int zHi = s.lastPlaneRead(z1);
        int yLo = z0 == z1 ? s.firstRowRead(r0 % s.outH) : 0;
        int yHi = z0 == z1 ? s.lastRowRead((r1 - 1) % s.outH) : s.inH - 1;
        if (zLo > zHi || yLo > yHi) {
            return 0;
        }
        long from = (long) zLo * s.inH + yLo;
        long to = (long) zHi * s.inH + yHi + 1;
        return from << 32 | to;
    }

    /** Input row {@code r} (numbered {@code (c * inD + z) * inH + y}) into its place. */
    private void fillRow(float[] in, int inOff, float[] dst, Backend backend, int r) {
        int y = r % s.inH;
        int z = r / s.inH % s.inD;
        int c = r / s.inH / s.inD;
        int zp = z + s.pD;
        int yp = y + s.pH;
        int base = c * channelStride + ((zp % s.sD) * s.sH + yp % s.sH) * s.sW * phaseSize
                + (zp / s.sD) * pH * pW + (yp / s.sH) * pW;
        copyRow(in, inOff + r * s.inW, dst, base, backend);
    }

    /**
     * Zeroes every float of the layout ({@code channels} channels and the slack) that {@link #fill} does not write:
     * the padding, the phase blocks' rounding past the padded extent, the slack. A kernel whose calling thread's
     * buffer was last filled by another kernel calls this instead of zeroing the whole buffer: inside a network
     * two or three such kernels (ResNet's stem and its strided 3x3) alternate on each thread, and zeroing their
     * whole layouts (0.6 and 0.9 MB for ResNet-18's two) every run was pure memory traffic; the padding is a few
     * rows and columns.
     */
    void clearPadding(float[] dst, int channels) {
        int extD = pD * s.sD;
        int extH = pH * s.sH;
        int extW = pW * s.sW;
        for (int c = 0; c < channels; c++) {
            for (int z = 0; z < extD; z++) {
                boolean zIn = z >= s.pD && z < s.pD + s.inD;
                for (int y = 0; y < extH; y++) {
                    // Padded row (z, y), its x phase 0 (phase j lies j * phaseSize on), as fill computes it.
                    int row = c * channelStride + ((z % s.sD) * s.sH + y % s.sH) * s.sW * phaseSize
                            + (z / s.sD) * pH * pW + (y / s.sH) * pW;
                    if (!zIn || y < s.pH || y >= s.pH + s.inH) {
                        for (int j = 0; j < s.sW; j++) {
                            Arrays.fill(dst, row + j * phaseSize, row + j * phaseSize + pW, 0f);
                        }
                        continue;
                    }
                    for (int x = 0; x < s.pW; x++) {
                        dst[row + x % s.sW * phaseSize + x / s.sW] = 0f;
                    }
                    for (int x = s.pW + s.inW; x < extW; x++) {
                        dst[row + x % s.sW * phaseSize + x / s.sW] = 0f;
                    }
                }
            }
        }
        Arrays.fill(dst, channels * channelStride, length, 0f);
    }

    /** One input row into its W phases (row of phase 0 at {@code dst[base]}, phase j {@code j * phaseSize} on). */
    private void copyRow(float[] in, int from, float[] dst, int base, Backend backend) {
        int sW = s.sW;
        if (sW == 1) {
            System.arraycopy(in, from, dst, base + s.pW, s.inW);
            return;
        }
        // Padded x = ix + pW; x0 is the first ix in phase 0, from where whole groups of sW values deinterleave.
        int x0 = Math.floorMod(-s.pW, sW);
        int groups = Math.max(0, (s.inW - x0) / sW);
        for (int ix = 0; ix < Math.min(x0, s.inW); ix++) {
            int xp = ix + s.pW;
            dst[base + xp % sW * phaseSize + xp / sW] = in[from + ix];
        }
        if (groups > 0) {
            backend.deinterleave(sW, groups, in, from + x0, dst, base + (x0 + s.pW) / sW, phaseSize);
        }
        for (int ix = x0 + groups * sW; ix < s.inW; ix++) {
            int xp = ix + s.pW;
            dst[base + xp % sW * phaseSize + xp / sW] = in[from + ix];
        }
    }
}
