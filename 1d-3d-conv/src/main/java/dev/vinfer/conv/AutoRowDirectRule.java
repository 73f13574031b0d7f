package dev.vinfer.conv;

/**
 * When {@link ConvAlgorithm#choose AUTO} takes {@link ConvAlgorithm#ROW_DIRECT} over im2col, with the measurements
 * the rule rests on.
 */
final class AutoRowDirectRule {
    private AutoRowDirectRule() {
    }

    /**
     * Whether AUTO takes {@link ConvAlgorithm#ROW_DIRECT} over im2col. Measured one thread, best-of thread CPU time of
     * {@link ConvKernel#run} (the machine was shared, load average 17-19 on 2 cores; CPU time is far less disturbed
     * than wall time there), "same" padding unless marked, ms:
     * <pre>
     * C -> M, kernel @ plane     im2col   ROW_DIRECT
     * 3 -> 16, 9x9 @ 800x800      98.4      58.1     (candy's stem)
     * 16 -> 3, 9x9 @ 720x720     320.2      58.2     (candy's head)
     * 32 -> 32, 9x9 @ 128x128     50.5      25.0
     * 16 -> 16, 5x5 @ 128x128      4.79      3.27
     * 3 -> 16, 5x5 @ 224x224       2.46      2.27
     * 3 -> 64, 7x7 @ 224x224      12.3      14.6     (im2col wins: M = 64 fills the GEMM tile)
     * 64 -> 3, 3x3 @ 224x224      14.3       6.6
     * 8 -> 8, 3x3 @ 224x224        2.01      1.00
     * 3 -> 32, 3x3 @ 224x224       1.40      1.98     (im2col wins)
     * 32 -> 3, 9x9 @ 232 valid   75.1      21.1     (style-transfer family head, after a reflect Pad)
     * 3 -> 32, 9x9 @ 232 valid   12.7      12.4     (its stem: a tie)
     * 16 -> 16, 5x5 @ 64x64        1.33      0.50
     * 16 -> 16, 5x5 @ 32x32        0.39      0.45     (short rows: no full 4-vector block)
     * 8 -> 16, 5x5 @ 14x14         0.06      0.05     (mnist-8: a tie)
     * </pre>
     * im2col's GEMM has M = output channels and K = C x kernel taps: with few output rows its register tile (6
     * rows) runs mostly empty, and a large kernel makes a column matrix of {@code C x k x k} floats per pixel that
     * is written and read once per output tile; the direct kernel reads the input in place (after one bordered copy)
     * and keeps 4 channels x 4 vectors of an output row in registers, which needs rows of at least 4 x 16 floats (the
     * rest of a row goes one vector and one channel at a time). Hence: output rows of at least 64, and at most 8 output
     * channels or a kernel of at least 25 taps with at most 32 output channels. 1-D convolutions stay on im2col (not
     * measured).
     */
    static boolean rowDirect(ConvGeometry g) {
        return g.rank() == 2 && g.outputDim(1) >= 64 && RowDirectConv.supports(g)
                && (g.outChannels() <= 8 || g.kernelSize() >= 25 && g.outChannels() <= 32);
    }
}
