package dev.vinfer.flink.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.flink.JobSummary;
import dev.vinfer.flink.LocalFlink;
import dev.vinfer.flink.ModelSource;
import dev.vinfer.flink.SessionCounter;
import dev.vinfer.flink.SessionThreads;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.testdata.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch job on a local MiniCluster with 2 task slots and parallelism 2: every image classified exactly once,
 * results equal to the single-JVM classifier, exactly 2 sessions opened and closed.
 */
class ClassifyImagesJobTest {
    private static final int PARALLELISM = 2;
    private static final int TOP = 5;

    @Test
    void generatedImagesAreEachClassifiedOnceAsInOneJvm(@TempDir Path tmp) throws Exception {
        List<Path> images = TestImages.write(tmp.resolve("images"), 14, 42);
        Path model = Files.write(tmp.resolve("tiny.onnx"), TinyClassifier.onnx(7));
        List<String> labels = TinyClassifier.labels();

        Map<String, Classification> got = runJob(List.of(tmp.resolve("images").toString()), model, labels,
                tmp.resolve("out"), images.size());

        assertEquals(paths(images), got.keySet(), "each image exactly once; no text or hidden file");
        assertEqualsSingleJvm(model, labels, images, got);
    }

    @Test
    void sharedPhotosWithShuffleNetMatchTheSingleJvmClassifier(@TempDir Path tmp) throws Exception {
        Path shared = SharedData.require("images");
        Path model = SharedData.require("models/shufflenet-v2-12-qdq/shufflenet-v2-12-qdq.onnx");
        List<String> labels = ClassifyImagesJob.readLabels(SharedData.require("labels/imagenet_classes.txt"));
        List<Path> images;
        try (Stream<Path> s = Files.list(shared)) {
            images = new java.util.ArrayList<>(s.filter(p -> ImageFolder.isImageName(p.getFileName().toString()))
                    .toList());
        }
        images.addAll(TestImages.write(tmp.resolve("generated"), 3, 5));

        Map<String, Classification> got = runJob(List.of(shared.toString(), tmp.resolve("generated").toString()),
                model, labels, tmp.resolve("out"), images.size());

        assertEquals(paths(images), got.keySet());
        assertEqualsSingleJvm(model, labels, images, got);
        // The photos' well-known classes (SOURCE.txt of the model): a sanity check of the whole pipeline.
        assertEquals(285, got.get(shared.resolve("chelsea.png").toString()).indices()[0], "Egyptian cat");
        assertEquals(967, got.get(shared.resolve("coffee.png").toString()).indices()[0], "espresso");
    }

    @Test
    void aModelThatCannotOpenFailsTheJobNamingTheModelAndOpensNoSession(@TempDir Path tmp) throws Exception {
        TestImages.write(tmp.resolve("images"), 2, 1);
        SessionCounter.reset();
        StreamExecutionEnvironment env = batchEnvironment();
        ClassifyImagesJob.build(env, new ClassifyImagesJob.Settings(List.of(tmp.resolve("images").toString()),
                ModelSource.bytes(new byte[] {1, 2, 3}), "imagenet", List.of(), TOP,
                tmp.resolve("out").toString(), PARALLELISM, SessionThreads.perSlot()));
        Exception e = assertThrows(Exception.class, env::execute);
        String chain = messages(e);
        assertTrue(chain.contains("could not open the model bytes in the job (3 bytes)"), chain);
        assertEquals(0, SessionCounter.opened());
    }

    /** Runs the job (parallelism 2) and returns its CSV rows by path, checking the session and record counts. */
    private static Map<String, Classification> runJob(List<String> folders, Path model, List<String> labels,
            Path out, int expectedImages) throws Exception {
        SessionCounter.reset();
        StreamExecutionEnvironment env = batchEnvironment();
        ClassifyImagesJob.build(env, new ClassifyImagesJob.Settings(folders, ModelSource.bytesOf(model), "imagenet",
                labels, TOP, out.toString(), PARALLELISM, SessionThreads.perSlot()));
        JobExecutionResult result = env.execute("classify-images test");
        JobSummary summary = JobSummary.of(result);
        System.out.println("classify-images test: " + summary);

        assertEquals(PARALLELISM, SessionCounter.opened(), "one session per operator instance");
        assertEquals(PARALLELISM, SessionCounter.closed(), "every session closed");
        int perSlot = Math.max(1, Runtime.getRuntime().availableProcessors() / PARALLELISM);
        assertEquals(List.of(perSlot, perSlot), SessionCounter.threads(), "threads = cores / task slots");
        assertEquals(PARALLELISM, summary.sessions());
        assertEquals(expectedImages, summary.records());
        return readCsv(out, expectedImages);
    }

    private static StreamExecutionEnvironment batchEnvironment() {
        StreamExecutionEnvironment env = LocalFlink.environment(PARALLELISM);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        return env;
    }

    /** The one CSV file: header, then one line per image, no path twice. */
    private static Map<String, Classification> readCsv(Path out, int expected) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.toList();
        }
        assertEquals(1, files.size(), "one CSV file (sink parallelism 1): " + files);
        String name = files.get(0).getFileName().toString();
        assertTrue(name.startsWith("classified") && name.endsWith(".csv"), name);
        List<String> lines = Files.readAllLines(files.get(0));
        assertEquals(ClassificationCsv.header(TOP), lines.get(0));
        assertEquals(expected + 1, lines.size(), "header + one line per image");
        Map<String, Classification> rows = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            Classification c = ClassificationCsv.parse(line, TOP);
            assertNull(rows.put(c.path(), c), "classified twice: " + c.path());
        }
        return rows;
    }

    /** The single-JVM classifier (one session, default threads) on each file must give the same top-k exactly. */
    private static void assertEqualsSingleJvm(Path model, List<String> labels, List<Path> images,
            Map<String, Classification> got) throws IOException {
        try (Session session = Vinfer.open(model, new SessionOptions())) {
            SampleClassifier classifier = SampleClassifier.over(session, "imagenet", labels);
            for (Path image : images) {
                String path = image.toString();
                Classification want = classifier.classify(path, ImageTensors.load(image), TOP);
                Classification c = got.get(path);
                assertNotNull(c, path);
                assertArrayEquals(want.indices(), c.indices(), path);
                assertArrayEquals(want.labels(), c.labels(), path);
                assertArrayEquals(want.probabilities(), c.probabilities(), path);
            }
        }
    }

    private static Set<String> paths(List<Path> images) {
        Set<String> s = new TreeSet<>();
        for (Path p : images) {
            s.add(p.toAbsolutePath().normalize().toString());
        }
        return s;
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
