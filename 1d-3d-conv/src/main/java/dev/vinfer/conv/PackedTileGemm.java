package dev.vinfer.conv;

/**
 * What every {@link TileGemm} implementation holds: its sizes and the weights packed once by
 * {@link TileGemms#pack} as {@code [block][position][depth][blockRows]}. Subclasses supply only {@link #run}.
 */
public abstract class PackedTileGemm implements TileGemm {
    private final int maxTiles;
    private final int tileGroup;
    private final int blockRows;
    private final int rows;
    private final int depth;
    private final int positions;
    /** {@code [block][position][depth][blockRows]}, zero past {@link #rows}. */
    protected final float[] u;

    /** Packs {@code ut} (see {@link TileGemms#pack}) for a kernel of the given register tile. */
    protected PackedTileGemm(int maxTiles, int tileGroup, int blockRows, int positions, int rows, int depth,
            float[] ut) {
        this.maxTiles = maxTiles;
        this.tileGroup = tileGroup;
        this.blockRows = blockRows;
        this.rows = rows;
        this.depth = depth;
        this.positions = positions;
        this.u = TileGemms.pack(positions, rows, depth, ut, blockRows);
    }

    @Override
    public final int maxTiles() {
        return maxTiles;
    }

    @Override
    public final int tileGroup() {
        return tileGroup;
    }

    @Override
    public final int blockRows() {
        return blockRows;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int depth() {
        return depth;
    }

    @Override
    public final int positions() {
        return positions;
    }
}
