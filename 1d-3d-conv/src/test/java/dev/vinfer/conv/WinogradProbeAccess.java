package dev.vinfer.conv;

import java.util.Random;

/** Test-source access to {@link WinogradConv}'s strip-size constructor for the probes in {@code bench}. */
public final class WinogradProbeAccess {
    private WinogradProbeAccess() {
    }

    /** A by-columns F(m,3) layer on random data whose strips hold at most {@code stripColumns} tile columns. */
    public static Runnable layer(int c, int mOut, int h, int w, int m, int stripColumns, Parallel p, Random r) {
        ConvGeometry g = ConvGeometry.builder().channels(c, mOut).input(h, w).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                .build();
        float[] wt = TestSupport.random(r, g.weightLength());
        float[] bias = TestSupport.random(r, mOut);
        float[] in = TestSupport.random(r, g.inputLength());
        float[] out = new float[g.outputLength()];
        WinogradConv k = new WinogradConv(g, m, wt, 0, bias, Epilogue.RELU, Kernels.backend(), stripColumns, 0,
                WinogradInputTransform.PATCH_FLOATS);
        return () -> k.run(in, 0, out, 0, p);
    }
}
