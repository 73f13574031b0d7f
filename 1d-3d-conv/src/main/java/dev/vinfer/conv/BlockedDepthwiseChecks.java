package dev.vinfer.conv;

import java.util.Objects;

/**
 * Argument checks of the channel-blocked depthwise primitives of {@link Backend}, shared by the backends, so a bad
 * call fails with a message instead of reading or writing somewhere it should not.
 */
public final class BlockedDepthwiseChecks {
    private BlockedDepthwiseChecks() {
    }

    /** Arguments of {@link Backend#packChannelBlock}. */
    public static void pack(int block, int channels, float[] src, int sOff, int sPitch, int n, int[] map, int mapOff,
            float[] dst, int dOff) {
        if (channels < 1 || channels > block || n < 0 || sPitch < 0 || mapOff < 0 || map.length - mapOff < n) {
            throw new IllegalArgumentException("packChannelBlock: channels=" + channels + " (block " + block
                    + ") n=" + n + " pitch=" + sPitch + " map of " + map.length + " from " + mapOff);
        }
        if (n == 0) {
            return;
        }
        Objects.checkFromIndexSize(sOff, (long) (channels - 1) * sPitch + n, (long) src.length);
        int maxMap = 0;
        for (int p = mapOff; p < mapOff + n; p++) {
            if (map[p] < 0) {
                throw new IllegalArgumentException("packChannelBlock: negative map entry " + map[p]);
            }
            maxMap = Math.max(maxMap, map[p]);
        }
        Objects.checkFromIndexSize(dOff, (long) maxMap + block, (long) dst.length);
    }

    /** Arguments of {@link Backend#unpackChannelBlock}. */
    /** Arguments of {@link Backend#blockBiasClamp} for a channel block of {@code block}. */
    public static void blockBiasClamp(int block, int n, float[] src, int sOff, float[] bias, int bOff, float[] res,
            int rOff, float[] dst, int dOff) {
        if (n < 0 || block > NchwcLayout.BLOCK) {
            throw new IllegalArgumentException("blockBiasClamp: n=" + n + " block=" + block);
        }
        if (n == 0) {
            return;
        }
        Objects.checkFromIndexSize(sOff, (long) n * block, (long) src.length);
        Objects.checkFromIndexSize(bOff, block, (long) bias.length);
        long span = (long) (n - 1) * NchwcLayout.BLOCK + block;
        Objects.checkFromIndexSize(dOff, span, (long) dst.length);
        if (res != null) {
            Objects.checkFromIndexSize(rOff, span, (long) res.length);
        }
    }

    public static void unpack(int block, int channels, float[] src, int sOff, int n, float[] dst, int dOff,
            int dPitch) {
        if (channels < 1 || channels > block || n < 0 || dPitch < n) {
            throw new IllegalArgumentException("unpackChannelBlock: channels=" + channels + " (block " + block
                    + ") n=" + n + " pitch=" + dPitch);
        }
        if (n == 0) {
            return;
        }
        Objects.checkFromIndexSize(sOff, (long) n * block, (long) src.length);
        Objects.checkFromIndexSize(dOff, (long) (channels - 1) * dPitch + n, (long) dst.length);
    }

    /** Arguments of {@link Backend#depthwiseBlockedRow}. */
    public static void row(int block, int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int step,
            int n, float[] bias, int bOff, float[] dst, int dOff) {
        if (taps < 1 || n < 0 || step < 0 || tapOff.length < taps) {
            throw new IllegalArgumentException("depthwiseBlockedRow: taps=" + taps + " (" + tapOff.length
                    + " offsets) n=" + n + " step=" + step);
        }
        Objects.checkFromIndexSize(cOff, (long) taps * block, (long) coef.length);
        Objects.checkFromIndexSize(bOff, block, bias.length);
        if (n == 0) {
            return;
        }
        long maxOff = 0;
        for (int t = 0; t < taps; t++) {
            if (tapOff[t] < 0) {
                throw new IllegalArgumentException("depthwiseBlockedRow: negative tap offset " + tapOff[t]);
            }
            maxOff = Math.max(maxOff, tapOff[t]);
        }
        Objects.checkFromIndexSize(sOff, (long) (n - 1) * step + maxOff + block, (long) src.length);
        Objects.checkFromIndexSize(dOff, (long) n * block, (long) dst.length);
    }
}
