package dev.vinfer.samples.volume;

import dev.vinfer.conv.PlaneLayout;
import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.WorkerPool;
import java.nio.file.Path;
import java.util.Map;

/**
 * Per-voxel segmentation of a 3-D volume with a fully convolutional model that takes {@code [1, 1, D, H, W]} (the
 * volume in file order, min-max scaled to [0, 1]) and returns {@code [1, classes, D, H, W]} logits; the label of a
 * voxel is the arg-max over classes (the lowest class on ties).
 *
 * <p>A model that is a chain of same-padded 3-D convolutions and Relus (such as MeshNet) runs streamed slice by
 * slice ({@link SliceStream}): bounded memory, any volume size. Any other model runs through a normal
 * {@link Session} on the whole volume.
 */
public final class VolumeSegmenter implements AutoCloseable {
    private final Path model;
    private final int threads;
    private final ConvChain chain;
    private final String whyNotStreamed;
    private final Session session;
    private final WorkerPool parallel;

    /**
     * @param threads intra-op threads
     * @param stream  stream the model when it is a convolution chain (false: always the whole-volume session)
     */
    public VolumeSegmenter(Path model, int threads, boolean stream) {
        this.model = model;
        this.threads = threads;
        OnnxModel m = OnnxModel.load(model);
        SessionOptions options = new SessionOptions().threads(threads);
        ConvChain c = null;
        String why = stream ? null : "streaming disabled";
        if (stream) {
            try {
                Graph g = m.toGraph(options);
                c = ConvChain.of(g, true);
            } catch (IllegalArgumentException e) {
                why = e.getMessage();
            }
        }
        this.chain = c;
        this.whyNotStreamed = why;
        this.session = c == null ? new Session(m.toGraph(options), options) : null;
        this.parallel = c != null ? WorkerPool.start(threads) : null;
    }

    /** How the model runs: "streamed (...)" or "whole volume (reason)". */
    public String mode() {
        return chain != null ? "streamed slice by slice (" + chain + ")" : "whole volume in one session run ("
                + whyNotStreamed + ")";
    }

    /** The recognised convolution chain, or null when the model runs through a session. */
    public ConvChain chain() {
        return chain;
    }

    /** Labels of every voxel (file order, x fastest) and the voxel count of each class. */
    public record Result(byte[] labels, long[] counts, long millis) {
    }

    /** Segments a volume. */
    public Result segment(NiftiVolume volume) {
        long t0 = System.nanoTime();
        int nx = volume.nx();
        int ny = volume.ny();
        int nz = volume.nz();
        float[] data = volume.data();
        float[] range = minMax(data);
        float lo = range[0];
        float scale = range[1] > range[0] ? 1f / (range[1] - range[0]) : 0f;
        byte[] labels = new byte[data.length];
        long[] counts;
        if (chain != null) {
            if (chain.inChannels() != 1) {
                throw new IllegalArgumentException(model + " takes " + chain.inChannels() + " channels, not 1");
            }
            int classes = chain.outChannels();
            checkClasses(classes);
            long need = 4 * SliceStream.workingFloats(chain, nz, ny, nx);
            // Refuse up front what cannot fit next to the volume itself, rather than failing deep in the run.
            long room = Runtime.getRuntime().maxMemory() - 4L * data.length - labels.length;
            if (need > room) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "streaming %s over %d x %d x %d"
                        + " voxels needs %.0f MB of slice buffers, more than the %.0f MB of heap beside the volume"
                        + " (raise -Xmx)", model.getFileName(), nx, ny, nz, need / 1e6, room / 1e6));
            }
            counts = new long[classes];
            long[] c = counts;
            int plane = nx * ny;
            SliceStream.run(chain, nz, ny, nx, (z, slice, l) -> {
                for (int y = 0; y < ny; y++) {
                    int src = z * plane + y * nx;
                    int dst = l.index(0, y, 0);
                    for (int x = 0; x < nx; x++) {
                        slice[dst + x] = (data[src + x] - lo) * scale;
                    }
                }
            }, (z, slice, l) -> argmax(slice, l, labels, z * plane, c), parallel);
        } else {
            float[] x = new float[data.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (data[i] - lo) * scale;
            }
            Map<String, Tensor> out = session.run(Map.of(session.inputs().get(0).name(),
                    Tensor.of(x, 1, 1, nz, ny, nx)));
            Tensor logits = out.values().iterator().next();
            if (logits.dtype() != DType.FLOAT32 || logits.rank() != 5 || logits.dim(2) != nz || logits.dim(3) != ny
                    || logits.dim(4) != nx) {
                throw new IllegalArgumentException(model + " returned " + logits + ", not [1, classes, " + nz + ", "
                        + ny + ", " + nx + "] logits");
            }
            int classes = logits.dim(1);
            checkClasses(classes);
            counts = new long[classes];
            argmax(logits.floats(), logits.offset(), classes, data.length, labels, counts);
        }
        return new Result(labels, counts, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void checkClasses(int classes) {
        if (classes < 1 || classes > 255) {
            throw new IllegalArgumentException("a segmentation needs 1 to 255 classes, the model gives " + classes);
        }
    }

    static float[] minMax(float[] data) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : data) {
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
        }
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("the volume has no finite values");
        }
        return new float[] {lo, hi};
    }

    /** Arg-max over the channels of one output slice into labels[at...], counting each class. */
    private static void argmax(float[] slice, PlaneLayout l, byte[] labels, int at, long[] counts) {
        int classes = l.channels();
        int w = l.width();
        for (int y = 0; y < l.height(); y++) {
            for (int x = 0; x < w; x++) {
                int best = 0;
                float bestV = slice[l.index(0, y, x)];
                for (int c = 1; c < classes; c++) {
                    float v = slice[l.index(c, y, x)];
                    if (v > bestV) {
                        bestV = v;
                        best = c;
                    }
                }
                labels[at + y * w + x] = (byte) best;
                counts[best]++;
            }
        }
    }

    /** Arg-max over a dense [classes][voxels] block. */
    private static void argmax(float[] logits, int off, int classes, int voxels, byte[] labels, long[] counts) {
        for (int i = 0; i < voxels; i++) {
            int best = 0;
            float bestV = logits[off + i];
            for (int c = 1; c < classes; c++) {
                float v = logits[off + c * voxels + i];
                if (v > bestV) {
                    bestV = v;
                    best = c;
                }
            }
            labels[i] = (byte) best;
            counts[best]++;
        }
    }

    public int threads() {
        return threads;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
        if (parallel != null) {
            parallel.close();
        }
    }
}
