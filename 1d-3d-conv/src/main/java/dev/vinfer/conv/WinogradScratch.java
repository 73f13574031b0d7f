package dev.vinfer.conv;

/**
 * Per-thread buffers of {@link WinogradConv} and {@link WinogradDenseColumns}, grown on demand and kept (one per
 * thread, in a {@link ThreadLocal}).
 */
final class WinogradScratch {
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

    static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }
}
