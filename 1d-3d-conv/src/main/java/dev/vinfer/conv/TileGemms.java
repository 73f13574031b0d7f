package dev.vinfer.conv;

import java.util.Objects;

/** What the {@link TileGemm} implementations share: the weight layout and the argument checks of {@link TileGemm#run}. */
public final class TileGemms {
    private TileGemms() {
    }

    /** Throws unless every read of v and every write of o lies inside the arrays. */
    public static void run(TileGemm k, int block, int tiles, float[] v, int vOff, int vPosStride, int vRowStride,
            float[] o, int oOff) {
        Objects.requireNonNull(v, "v");
        Objects.requireNonNull(o, "o");
        Objects.checkIndex(block, k.blocks());
        if (tiles < 1 || tiles > k.maxTiles()) {
            throw new IllegalArgumentException(tiles + " tiles, expected 1 to " + k.maxTiles());
        }
        if (vOff < 0 || vPosStride < 0 || vRowStride < 0 || oOff < 0) {
            throw new IllegalArgumentException("negative offset or stride");
        }
        int slots = k.slots(tiles);
        long lastRead = vOff + (long) (k.positions() - 1) * vPosStride + (long) (k.depth() - 1) * vRowStride + slots;
        if (k.depth() > 0 && lastRead > v.length) {
            throw new IndexOutOfBoundsException("v reads up to " + lastRead + " of " + v.length);
        }
        long lastWrite = oOff + (long) k.positions() * slots * k.blockRows();
        if (lastWrite > o.length) {
            throw new IndexOutOfBoundsException("o writes up to " + lastWrite + " of " + o.length);
        }
    }

    /**
     * Packs the transposed weights {@code ut} ({@code U_pos} transposed per position: value (pos, input channel c,
     * output row r) at {@code ut[(pos * depth + c) * rows + r]}, the layout the weight transform writes) as
     * {@code [block][position][depth][blockRows]} with zero rows past {@code rows}: every (position, input channel,
     * block) is one contiguous copy.
     */
    public static float[] pack(int positions, int rows, int depth, float[] ut, int blockRows) {
        long need = (long) positions * depth * rows;
        if (ut.length < need) {
            throw new IllegalArgumentException("transposed weights: " + ut.length + " values for " + positions
                    + " positions of " + depth + " x " + rows);
        }
        int blocks = Math.ceilDiv(rows, blockRows);
        float[] u = new float[Math.multiplyExact(Math.multiplyExact(blocks * blockRows, depth), positions)];
        for (int pos = 0; pos < positions; pos++) {
            for (int c = 0; c < depth; c++) {
                int src = (pos * depth + c) * rows;
                for (int b = 0; b < blocks; b++) {
                    int r0 = b * blockRows;
                    System.arraycopy(ut, src + r0, u, ((b * positions + pos) * depth + c) * blockRows,
                            Math.min(blockRows, rows - r0));
                }
            }
        }
        return u;
    }

}
