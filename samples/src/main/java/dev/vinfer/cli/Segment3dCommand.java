package dev.vinfer.cli;

import dev.vinfer.samples.volume.NiftiHeader;
import dev.vinfer.samples.volume.NiftiVolume;
import dev.vinfer.samples.volume.SlicePreview;
import dev.vinfer.samples.volume.VolumeSegmenter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vinfer segment3d}: label every voxel of a NIfTI volume with a 3-D segmentation model. */
@Command(name = "segment3d", mixinStandardHelpOptions = true,
        description = {"Segment a 3-D NIfTI-1 volume (.nii or .nii.gz) voxel by voxel with a fully convolutional model"
            + " taking [1, 1, D, H, W] (the volume in file order, min-max scaled to 0..1) and returning"
            + " [1, classes, D, H, W] logits; writes the arg-max labels as a uint8 NIfTI volume with the input's"
            + " geometry.",
            "Chains of same-padded 3-D convolutions (e.g. MeshNet) are streamed slice by slice with bounded memory."})
final class Segment3dCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The segmentation model.")
    Path model;

    @Parameters(index = "0", paramLabel = "VOLUME.nii.gz", description = "The input volume (NIfTI-1, 3-D).")
    Path volume;

    @Option(names = "--out", required = true, paramLabel = "LABELS.nii.gz",
            description = "Where to write the labels (gzip-compressed when the name ends in .gz).")
    Path out;

    @Option(names = "--png", paramLabel = "SLICES.png",
            description = "Also draw the three orthogonal middle slices with the labels over them.")
    Path png;

    @Option(names = "--labels", split = ",", paramLabel = "NAME",
            description = "Class names in label order, for the report and the picture's legend"
                + " (default: class 0, class 1, ...).")
    String[] labelNames;

    @Option(names = "--threads", description = "Intra-op threads (default: all cores).")
    Integer threads;

    @Option(names = "--no-stream", description = "Run the whole volume through one session run even when the model"
            + " could be streamed (needs memory for whole activations).")
    boolean noStream;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(model)) {
            throw new Main.UserError("model not found: " + model);
        }
        long t0 = System.nanoTime();
        NiftiVolume v;
        try {
            v = NiftiVolume.read(volume);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        }
        long t1 = System.nanoTime();
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try (VolumeSegmenter seg = new VolumeSegmenter(model, n, !noStream)) {
            System.out.printf(Locale.ROOT, "volume  %s: %d x %d x %d %s, read in %.0f ms%n", volume, v.nx(), v.ny(),
                    v.nz(), typeName(v.header().datatype()), (t1 - t0) / 1e6);
            System.out.println("model   " + model + ": " + seg.mode());
            VolumeSegmenter.Result r = seg.segment(v);
            System.out.printf(Locale.ROOT, "segmented in %d ms on %d thread(s)%n", r.millis(), n);
            long total = v.data().length;
            String[] names = names(r.counts().length);
            for (int c = 0; c < r.counts().length; c++) {
                System.out.printf(Locale.ROOT, "  %d %-16s %,12d voxels  %6.2f%%%n", c, names[c], r.counts()[c],
                        100.0 * r.counts()[c] / total);
            }
            NiftiHeader h = v.header().withType(NiftiHeader.UINT8, "vinfer segment3d labels")
                    .withDisplayRange(0, r.counts().length - 1);
            NiftiVolume.write(out, h, r.labels());
            System.out.println("labels  " + out);
            if (png != null) {
                Path parent = png.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                ImageIO.write(SlicePreview.render(v, r.labels(), names), "png", png.toFile());
                System.out.println("picture " + png);
            }
            System.out.printf(Locale.ROOT, "peak heap %.0f MB%n", peakHeapBytes() / 1e6);
        }
        return 0;
    }

    private String[] names(int classes) {
        String[] n = new String[classes];
        for (int c = 0; c < classes; c++) {
            n[c] = labelNames != null && c < labelNames.length ? labelNames[c].trim() : "class " + c;
        }
        return n;
    }

    private static String typeName(short datatype) {
        return switch (datatype) {
            case NiftiHeader.UINT8 -> "uint8";
            case NiftiHeader.INT8 -> "int8";
            case NiftiHeader.INT16 -> "int16";
            case NiftiHeader.UINT16 -> "uint16";
            case NiftiHeader.INT32 -> "int32";
            case NiftiHeader.UINT32 -> "uint32";
            case NiftiHeader.FLOAT32 -> "float32";
            default -> "float64";
        };
    }

    /** The most heap the JVM has held so far, summed over its heap pools. */
    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
