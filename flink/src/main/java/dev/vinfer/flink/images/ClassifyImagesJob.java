package dev.vinfer.flink.images;

import dev.vinfer.flink.InferenceFunction;
import dev.vinfer.flink.JobSummary;
import dev.vinfer.flink.ModelSource;
import dev.vinfer.flink.SessionThreads;
import dev.vinfer.samples.vision.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The batch sample: classify every image of some folders with a model and labels, and write one CSV line per
 * image ({@link ClassificationCsv}: path, top-k indices, labels, probabilities).
 *
 * <pre>
 * file source (image files, read whole) -> vinfer classify (parallelism P, one session each) -> CSV file sink (1)
 * </pre>
 * The source runs with the classifier's parallelism and is chained to it, so image bytes do not cross the
 * network; Flink hands out the files one by one to whichever reader is free, which balances the load.
 */
@Command(name = "classify-images", mixinStandardHelpOptions = true,
        description = {"Classify every image (PNG, JPEG, GIF, BMP) below the given folders with a Flink batch job; "
            + "writes classified-*.csv into the output folder: path, top-k indices, labels, probabilities."})
public final class ClassifyImagesJob implements Callable<Integer> {
    /** Name of the model in Flink's distributed cache with {@code --ship cache}. */
    static final String CACHED_MODEL = "vinfer-model";

    @Option(names = "--images", required = true, split = ",", paramLabel = "FOLDER",
            description = "Folders (or files) to classify, local paths or Flink file system URIs; comma-separated "
                + "or repeated.")
    List<String> images;

    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The classifier.")
    String model;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line (line i = class i).")
    Path labels;

    @Option(names = "--preset", defaultValue = "imagenet", paramLabel = "NAME",
            description = "Pre-processing preset, as for vinfer classify: imagenet (default), inception, caffe, "
                + "mnist, ... The input size follows the model when it is fixed.")
    String preset;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K", description = "Classes per image (default 5).")
    int top;

    @Option(names = "--output", required = true, paramLabel = "FOLDER",
            description = "Where the CSV goes (created; must be empty if it exists).")
    String output;

    @Option(names = "--parallelism", paramLabel = "P",
            description = "Classifier instances (one session each; default: the environment's parallelism).")
    Integer parallelism;

    @Option(names = "--threads", paramLabel = "N",
            description = "Intra-op threads per session (default: the task manager's cores / its task slots).")
    Integer threads;

    @Option(names = "--ship", defaultValue = "bytes", paramLabel = "HOW",
            description = "How the model reaches the task managers: bytes (inside the job, default), path (every "
                + "task manager reads --model itself) or cache (Flink's distributed cache).")
    String ship;

    /** Everything the pipeline needs, without picocli (tests build it directly). */
    public record Settings(List<String> images, ModelSource model, String preset, List<String> labels, int top,
            String output, int parallelism, SessionThreads threads) {
    }

    /** Adds the classification pipeline to {@code env} (which must be in BATCH mode for the CSV to be final). */
    public static void build(StreamExecutionEnvironment env, Settings s) {
        DataStream<ImageFile> files = env
                .fromSource(ImageFolder.source(s.images().toArray(String[]::new)), WatermarkStrategy.noWatermarks(),
                        "image files")
                .setParallelism(s.parallelism());
        DataStream<Classification> classified = files
                .map(new InferenceFunction<>(s.model(), s.threads(), new ClassifyImages(s.preset(), s.labels(),
                        s.top())), TypeInformation.of(Classification.class))
                .name("vinfer classify")
                .uid("vinfer-classify")
                // Explicit: in BATCH mode Flink's adaptive scheduler would otherwise pick the parallelism itself.
                .setParallelism(s.parallelism());
        classified
                .sinkTo(FileSink.forBulkFormat(new org.apache.flink.core.fs.Path(s.output()),
                                new CsvWriterFactory(s.top()))
                        .withBucketAssigner(new BasePathBucketAssigner<>())
                        .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("classified")
                                .withPartSuffix(".csv").build())
                        .build())
                .name("CSV files")
                .setParallelism(1); // one CSV file
    }

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be at least 1, got " + top);
        }
        checkOutputEmpty(output);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        ModelSource source = switch (ship) {
            case "bytes" -> ModelSource.bytesOf(Path.of(model));
            case "path" -> ModelSource.file(absoluteIfLocal(model));
            case "cache" -> {
                env.registerCachedFile(absoluteIfLocal(model), CACHED_MODEL);
                yield ModelSource.cachedFile(CACHED_MODEL);
            }
            default -> throw new IllegalArgumentException("--ship takes bytes, path or cache, got '" + ship + "'");
        };
        int p = parallelism != null ? parallelism : env.getParallelism();
        if (p < 1) {
            throw new IllegalArgumentException("--parallelism must be at least 1, got " + p);
        }
        SessionThreads t = threads == null ? SessionThreads.perSlot() : SessionThreads.of(threads);
        List<String> folders = images.stream().map(ClassifyImagesJob::absoluteIfLocal).toList();
        build(env, new Settings(folders, source, preset, readLabels(labels), top, absoluteIfLocal(output), p, t));
        JobExecutionResult result = env.execute("vinfer: classify images");
        System.out.println("classify-images: " + JobSummary.of(result) + "; parallelism " + p + "; CSV in "
                + output);
        return 0;
    }

    /** Task managers do not share the client's working folder: relative local paths are made absolute. */
    static String absoluteIfLocal(String pathOrUri) {
        return new org.apache.flink.core.fs.Path(pathOrUri).toUri().getScheme() == null
                ? Path.of(pathOrUri).toAbsolutePath().toString() : pathOrUri;
    }

    /** The class names of a labels file as {@code vinfer classify} reads them (none without a file). */
    static List<String> readLabels(Path file) throws IOException {
        return file == null ? List.of() : SampleClassifier.labelNames(Labels.load(file));
    }

    /** A second run into the same folder would mix old and new part files: refuse a non-empty output folder. */
    static void checkOutputEmpty(String output) throws IOException {
        org.apache.flink.core.fs.Path p = new org.apache.flink.core.fs.Path(output);
        FileSystem fs = p.getFileSystem();
        if (fs.exists(p)) {
            FileStatus[] entries = fs.listStatus(p);
            if (entries != null && entries.length > 0) {
                throw new IllegalArgumentException("output folder " + output + " is not empty; choose a new one");
            }
        }
    }
}
