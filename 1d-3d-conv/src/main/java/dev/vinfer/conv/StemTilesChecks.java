package dev.vinfer.conv;

/** The argument checks every {@link StemTiles} implementation runs before its loops. */
public final class StemTilesChecks {
    private StemTilesChecks() {
    }

    /**
     * Checks that every read and write of {@link StemTiles#run} lies inside its arrays, so that a kernel may index
     * without further checks failing halfway through.
     */
    public static void check(StemTiles t, float[] src, int srcOff, int[] tapOff, int[] slotSrc, int[] slotDst,
            int s0, int s1, float[] c, int cOff, int ldc) {
        int k = t.depth();
        int width = t.width();
        if (tapOff.length < k) {
            throw new IllegalArgumentException(tapOff.length + " tap offsets for k = " + k);
        }
        if (s0 < 0 || s1 < s0 || s1 > slotSrc.length || s1 > slotDst.length) {
            throw new IllegalArgumentException("slots [" + s0 + ", " + s1 + ") of " + slotSrc.length);
        }
        if (s1 == s0) {
            return;
        }
        long tapLo = Long.MAX_VALUE;
        long tapHi = Long.MIN_VALUE;
        for (int p = 0; p < k; p++) {
            tapLo = Math.min(tapLo, tapOff[p]);
            tapHi = Math.max(tapHi, tapOff[p]);
        }
        long srcLo = Long.MAX_VALUE;
        long srcHi = Long.MIN_VALUE;
        long dstLo = Long.MAX_VALUE;
        long dstHi = Long.MIN_VALUE;
        for (int s = s0; s < s1; s++) {
            srcLo = Math.min(srcLo, slotSrc[s]);
            srcHi = Math.max(srcHi, slotSrc[s]);
            dstLo = Math.min(dstLo, slotDst[s]);
            dstHi = Math.max(dstHi, slotDst[s]);
        }
        long readFirst = srcOff + srcLo + tapLo;
        long readEnd = srcOff + srcHi + tapHi + width;
        if (readFirst < 0 || readEnd > src.length) {
            throw new IndexOutOfBoundsException("source reads [" + readFirst + ", " + readEnd
                    + ") outside an array of " + src.length);
        }
        long writeFirst = cOff + dstLo;
        long writeEnd = cOff + (long) (t.rows() - 1) * ldc + dstHi + width;
        if (ldc < 0 || writeFirst < 0 || writeEnd > c.length) {
            throw new IndexOutOfBoundsException("output writes [" + writeFirst + ", " + writeEnd
                    + ") outside an array of " + c.length);
        }
    }
}
