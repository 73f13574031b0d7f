package dev.vinfer.flink.images;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The same classification without Flink: one session in this JVM over the same files, with the same decoding
 * and classifier, timed like the job's inference phase (first image read to last image classified). The yardstick
 * for the job's records per second.
 */
@Command(name = "single-jvm", mixinStandardHelpOptions = true,
        description = {"Classify the same local images in this JVM without Flink (one session, all cores by "
            + "default) and print the records per second, to compare with classify-images."})
public final class SingleJvmBaseline implements Callable<Integer> {

    @Option(names = "--images", required = true, split = ",", paramLabel = "FOLDER",
            description = "Local folders (or files) to classify.")
    List<Path> images;

    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The classifier.")
    Path model;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line.")
    Path labels;

    @Option(names = "--preset", defaultValue = "imagenet", paramLabel = "NAME", description = "As classify-images.")
    String preset;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K", description = "Classes per image (default 5).")
    int top;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        List<Path> files = imageFiles(images);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no image files in " + images);
        }
        SessionOptions options = new SessionOptions();
        if (threads != null) {
            options.threads(threads);
        }
        long t0 = System.nanoTime();
        try (Session session = Vinfer.open(model, options)) {
            SampleClassifier classifier = SampleClassifier.over(session, preset,
                    ClassifyImagesJob.readLabels(labels));
            long t1 = System.nanoTime();
            for (Path f : files) {
                classifier.classify(f.toString(), SampleClassifier.decode(Files.readAllBytes(f), f.toString()), top);
            }
            long t2 = System.nanoTime();
            System.out.println(String.format(Locale.ROOT, "single-jvm: %d records, 1 session of %d threads; model "
                    + "opened in %.2f s; inference phase %.2f s (%.1f records/s); %.1f ms per record", files.size(),
                    options.threads(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, files.size() / ((t2 - t1) / 1e9),
                    (t2 - t1) / 1e6 / files.size()));
        }
        return 0;
    }

    /** The files the job's source would read below local folders: visible, with an image extension, sorted. */
    static List<Path> imageFiles(List<Path> roots) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                out.add(root);
                continue;
            }
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(Files::isRegularFile)
                        .filter(p -> visible(root.relativize(p)))
                        .filter(p -> ImageFolder.isImageName(p.getFileName().toString()))
                        .sorted()
                        .forEach(out::add);
            }
        }
        return out;
    }

    /** Like the job's source: nothing below a hidden or {@code _} folder, no hidden or {@code _} file. */
    private static boolean visible(Path relative) {
        for (Path part : relative) {
            String n = part.toString();
            if (n.startsWith(".") || n.startsWith("_")) {
                return false;
            }
        }
        return true;
    }
}
