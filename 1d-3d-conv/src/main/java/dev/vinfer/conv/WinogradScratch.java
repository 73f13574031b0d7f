package dev.vinfer.conv;

/**
 * Per-thread buffers of {@link WinogradConv}'s strips and transforms, grown on demand and kept (one per thread, in a
 * {@link ThreadLocal}).
 */
final class WinogradScratch {
    private static final ThreadLocal<WinogradScratch> PER_THREAD = ThreadLocal.withInitial(WinogradScratch::new);

    float[] patch = new float[0];
    float[] patch2 = new float[0];
    float[] v = new float[0];
    float[] o = new float[0];
    /** One phase-interleaved row of the strip (all segments), between input/output and the phase rows. */
    float[] line = new float[0];
    /** The segments' end values of a dense by-columns block, saved before the shifted rows overwrite them. */
    float[] ends = new float[0];
    int[] srcOff = new int[8];
    int[] dstOff = new int[8];

    /** This thread's buffers. */
    static WinogradScratch ofThisThread() {
        return PER_THREAD.get();
    }

    static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }
}
