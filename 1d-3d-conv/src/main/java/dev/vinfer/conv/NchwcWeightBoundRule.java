package dev.vinfer.conv;

/**
 * Where ResNet's 512@7x7 3x3 layers and their like run: planes of at most 16 F(2,3) tiles whose transformed weights
 * stream from memory on every run ({@link #weightBound}). Three kernels compete there, and which wins has differed
 * between the machines measured: the blocked F(2,3) ({@link NchwcWinogradConv}), the NCHW small-plane Winograd kernel
 * between reorders, and the blocked direct kernel ({@link NchwcDirectConv}), which reads the raw weights.
 * {@link NchwcWinogradConv#autoTileOutputs} asks {@link #blockedWhenWeightBound}; where it answers 0, the op asks
 * {@link #runsDirect}.
 */
public final class NchwcWeightBoundRule {
    private NchwcWeightBoundRule() {
    }

    /**
     * Whether {@code g} is a plane of at most 16 F(2,3) tiles (7x7, 8x8) whose transformed weights are larger than a
     * core's L2 (1 MB here): there every transformed weight is read from memory for 16 tiles only, and the NCHW
     * small-plane kernel that AUTO picks ({@code SmallPlaneWinograd}: the weights streamed once, front to back, each
     * block of 32 output channels transformed out while its products are in cache) runs between reorders faster than
     * the blocked kernel ({@link NchwcWinogradConv}), which holds all 16 positions' products of every channel before
     * its output transform. Measured (session 17, Zen 5, {@code SwitchPairedComparison ...
     * vinfer.nchwcWinograd.weightBoundBytes 1099511627776 1048576}, alternated in one JVM): ResNet-18 0.967-0.969 at
     * one thread and 0.967 at two (its three 512@7x7 layers 1.59 -> 1.43 ms each), GoogLeNet 0.989-0.998 at one thread
     * (160->320 and 192->384 @7x7), ResNet-50 0.995-0.997 (the 512->512 3x3 of its last three bottlenecks, 16.8 MB
     * transformed). In cache, alone, both kernels run 512@7x7 alike (1.00, session 12). DenseNet-121's 128->32 @7x7
     * (0.26 MB) stays here. {@code -Dvinfer.nchwcWinograd.weightBoundBytes=N} moves the threshold (read at each
     * prepare). Since session 31 the blocked kernel keeps these planes on AMD with 16-lane vectors ({@link
     * #blockedWhenWeightBound}).
     */
    static boolean weightBound(ConvGeometry g) {
        long bytes = 16L * 4 * g.inChannels() * g.outChannels();
        return NchwcWinogradConv.tiles(g, 2) <= 16
                && bytes > Long.getLong("vinfer.nchwcWinograd.weightBoundBytes", 1L << 20);
    }

    /**
     * Whether weight-bound planes ({@link #weightBound}) run on the blocked kernel's F(2,3) after all: on AMD with
     * 16-lane vectors (AVX-512). Session 17's measurement that sent them to the NCHW small-plane kernel predates the
     * blocked kernel's two-channel register tiles (session 20) and its weight touches (session 22). Measured again in
     * session 31 (AMD Zen 5, family 26, one JVM, runs alternated, {@code SwitchPairedComparison MODELS T N
     * vinfer.nchwcWinograd.weightBoundBytes 1048576 1099511627776}, blocked / NCHW time): ResNet-18 0.957 and 0.959
     * (both orders, 150 pairs, one thread; its three 512@7x7 layers), 0.942 at two threads; ResNet-50 0.975 and 0.997
     * at one thread, 0.968 at two; GoogLeNet (160->320, 192->384 @7x7) 0.996. Alone, weights from memory ({@code
     * NchwcProbe -Dprobe.weightCopies=8 200 wino,512,512,7x7,2,relu}): blocked F(2,3) 1.10-1.12 ms, the NCHW
     * small-plane kernel 1.25-1.28 without its reorders. Intel keeps the direct kernel ({@link #runsDirect}); other
     * machines (AVX2, other vendors) the NCHW kernel, as measured before. {@code
     * -Dvinfer.nchwcWinograd.weightBoundBlocked=true} or {@code false} forces either, and forcing {@code
     * vinfer.nchwc.weightBoundKernel} (direct or the NCHW Winograd) means false (both read at each prepare).
     */
    static boolean blockedWhenWeightBound() {
        String forced = System.getProperty("vinfer.nchwcWinograd.weightBoundBlocked");
        if (forced != null && !forced.isBlank()) {
            return Boolean.parseBoolean(forced.trim());
        }
        String kernel = System.getProperty("vinfer.nchwc.weightBoundKernel");
        if (kernel != null && !kernel.isBlank()) {
            return false;
        }
        return CpuVendor.amd() && "vector-512".equals(Kernels.backend().name());
    }

    /**
     * Whether {@code g}, a plane {@link NchwcWinogradConv#autoTileOutputs} leaves to the NCHW small-plane Winograd
     * kernel because its transformed weights stream from memory ({@link #weightBound}), runs on the blocked direct
     * kernel ({@link NchwcDirectConv}) instead: it reads the raw weights (9.4 MB for 512@7x7 against 16.8 MB
     * transformed) for 2.25x the multiply-adds. Which wins depends on how fast one core streams weights while it computes:
     * <ul>
     * <li>Intel Xeon (family 6 model 207, session 21): the direct kernel. {@code SwitchPairedComparison ...
     * vinfer.nchwc.weightBoundKernel winograd direct}, one JVM, alternated: ResNet-18 0.944 at one thread and
     * 0.947 at two, ResNet-50 0.993, GoogLeNet 0.989. Alone with eight sets of weights in turn (so that they come
     * from memory, {@code NchwcProbe -Dprobe.weightCopies=8 200 wino,512,512,7x7,2,relu}): small-plane Winograd
     * 2.86 ms, blocked F(2,3) 2.55, direct 2.52, against 1.41-1.55 for each with its weights in cache: here a
     * core pulls a weight stream interleaved with FMAs at about 8-10 GB/s.</li>
     * <li>AMD Zen 5 (session 17): the small-plane Winograd kernel, its 512@7x7 layers 1.43 ms each in ResNet-18.
     * The direct kernel was not measured on these layers there; it ran other 3x3 layers at 120-170 GFLOP/s with
     * their weights in cache (session 11), which would be 1.4-1.9 ms for 512@7x7 before any wait for memory.
     * Session 29 measured it there: ResNet-18 1.043 of the time. Since session 31 such planes run the blocked
     * F(2,3) there ({@link #blockedWhenWeightBound}), so this rule no longer sees them.</li>
     * </ul>
     * Other vendors keep the Winograd kernel. {@code -Dvinfer.nchwc.weightBoundKernel=direct} or {@code winograd}
     * forces either (read at each prepare).
     */
    public static boolean runsDirect(ConvGeometry g) {
        if (!NchwcWinogradConv.blockable(g) || NchwcWinogradConv.autoTileOutputs(g) != 0 || !weightBound(g)
                || !NchwcDirectConv.supports(g)) {
            return false;
        }
        String forced = System.getProperty("vinfer.nchwc.weightBoundKernel");
        if (forced != null && !forced.isBlank()) {
            return forced.trim().equals("direct");
        }
        return CpuVendor.intel();
    }
}
