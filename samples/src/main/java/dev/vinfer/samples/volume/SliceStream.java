package dev.vinfer.samples.volume;

import dev.vinfer.conv.Parallel;
import dev.vinfer.conv.PlaneLayout;
import dev.vinfer.conv.SliceConv3d;
import java.util.List;

/**
 * Runs a {@link ConvChain} over a volume one depth slice at a time. Each activation lives in a ring of just the
 * slices its consumer still needs ({@code 2 * reach + 1}, reach being the consumer's depth reach), so memory is
 * bounded by the plane size times the chain's total reach, whatever the depth; and no slice is computed twice (unlike
 * tiles with a halo, which recompute the halo). Output slice z of the last layer is handed to the sink as soon as it
 * exists.
 *
 * <p>For a 256^3 volume and the 9-layer dilated brain model (reaches 1, 2, 4, 8, 16, 8, 4, 2, 1; 5 channels) the
 * rings hold 99 slices of 5 x 256 x 256 floats (with borders), about 160 MB, against 335 MB for one whole activation.
 */
public final class SliceStream {

    /** Fills input slice z (channels of the chain's input, the layout's interior). */
    @FunctionalInterface
    public interface Source {
        void fill(int z, float[] slice, PlaneLayout layout);
    }

    /** Receives output slice z; the array is reused for the next slice. */
    @FunctionalInterface
    public interface Sink {
        void accept(int z, float[] slice, PlaneLayout layout);
    }

    private final List<SliceConv3d> layers;
    private final int depth;
    private final PlaneLayout[] layouts;
    private final float[][][] rings;
    private final int[] next;
    private final Source source;
    private final Sink sink;
    private final Parallel parallel;

    private SliceStream(ConvChain chain, int depth, int height, int width, Source source, Sink sink, Parallel p) {
        this.layers = chain.layers();
        this.depth = depth;
        this.source = source;
        this.sink = sink;
        this.parallel = p;
        int n = layers.size();
        layouts = new PlaneLayout[n + 1];
        rings = new float[n + 1][][];
        next = new int[n + 1];
        for (int level = 0; level <= n; level++) {
            int channels = level == 0 ? layers.get(0).inChannels() : layers.get(level - 1).outChannels();
            // Level i is read by layer i + 1 (none for the last level, which goes to the sink).
            SliceConv3d reader = level < n ? layers.get(level) : null;
            int pad = reader == null ? 0 : reader.planeReach();
            int slots = reader == null ? 1 : Math.min(depth, 2 * reader.depthReach() + 1);
            layouts[level] = new PlaneLayout(channels, height, width, pad);
            rings[level] = new float[slots][];
            for (int s = 0; s < slots; s++) {
                rings[level][s] = layouts[level].newSlice();
            }
        }
    }

    /** Runs {@code chain} over a depth x height x width volume from {@code source}, slices in order to {@code sink}. */
    public static void run(ConvChain chain, int depth, int height, int width, Source source, Sink sink,
            Parallel p) {
        new SliceStream(chain, depth, height, width, source, sink, p).run();
    }

    /** Floats the rings hold: the working memory of a run, whatever the depth. */
    public static long workingFloats(ConvChain chain, int depth, int height, int width) {
        long total = 0;
        List<SliceConv3d> l = chain.layers();
        for (int level = 0; level <= l.size(); level++) {
            int channels = level == 0 ? l.get(0).inChannels() : l.get(level - 1).outChannels();
            SliceConv3d reader = level < l.size() ? l.get(level) : null;
            int pad = reader == null ? 0 : reader.planeReach();
            int slots = reader == null ? 1 : Math.min(depth, 2 * reader.depthReach() + 1);
            total += (long) slots * new PlaneLayout(channels, height, width, pad).sliceLength();
        }
        return total;
    }

    private void run() {
        int last = layers.size();
        for (int z = 0; z < depth; z++) {
            produce(last, z);
        }
    }

    /** Makes {@code level} produce every slice up to z. */
    private void produce(int level, int z) {
        while (next[level] <= z) {
            int zz = next[level];
            float[] out = slot(level, zz);
            if (level == 0) {
                source.fill(zz, out, layouts[0]);
            } else {
                SliceConv3d conv = layers.get(level - 1);
                int reach = conv.depthReach();
                produce(level - 1, Math.min(zz + reach, depth - 1));
                int kd = conv.depthTaps();
                int step = kd > 1 ? reach / (kd / 2) : 0;
                float[][] in = new float[kd][];
                for (int t = 0; t < kd; t++) {
                    int zi = zz + (t - kd / 2) * step;
                    in[t] = zi >= 0 && zi < depth ? slot(level - 1, zi) : null;
                }
                conv.compute(in, new int[kd], layouts[level - 1], out, 0, layouts[level], parallel);
                if (level == layers.size()) {
                    sink.accept(zz, out, layouts[level]);
                }
            }
            next[level]++;
        }
    }

    private float[] slot(int level, int z) {
        float[][] ring = rings[level];
        return ring[z % ring.length];
    }
}
