package dev.vinfer.flink.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.flink.JobSummary;
import dev.vinfer.flink.LocalFlink;
import dev.vinfer.flink.ModelSource;
import dev.vinfer.flink.SessionCounter;
import dev.vinfer.flink.SessionThreads;
import dev.vinfer.cli.Main;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.samples.Classifier;
import dev.vinfer.samples.Json;
import dev.vinfer.samples.vision.ImagePreset;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.samples.vision.Labels;
import dev.vinfer.testdata.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        List<Path> images = TestImages.write(tmp.resolve("images"), 10, 42);
        Path model = Files.write(tmp.resolve("tiny.onnx"), TinyClassifier.onnx(7));
        List<String> labels = TinyClassifier.labels();

        Map<String, Classification> got = runJob(List.of(tmp.resolve("images").toString()), model, labels,
                tmp.resolve("out"), images.size());

        assertEquals(paths(images), got.keySet(), "each image exactly once; no text or hidden file");
        assertEqualsSingleJvm(model, labels, images, got);
    }

    @Test
    void sharedPhotosWithShuffleNetMatchTheSingleJvmClassifierAndVinferClassify(@TempDir Path tmp)
            throws Exception {
        Path shared = SharedData.require("images");
        Path model = SharedData.require("models/shufflenet-v2-12-qdq/shufflenet-v2-12-qdq.onnx");
        Path labelsFile = SharedData.require("labels/imagenet_classes.txt");
        List<String> labels = ClassifyImagesJob.readLabels(labelsFile);
        List<Path> images;
        try (Stream<Path> s = Files.list(shared)) {
            images = s.filter(p -> ImageFolder.isImageName(p.getFileName().toString())).sorted().toList();
        }

        Map<String, Classification> got = runJob(List.of(shared.toString()), model, labels, tmp.resolve("out"),
                images.size());

        assertEquals(4, images.size(), "the shared photos: " + images);
        assertEquals(paths(images), got.keySet());
        assertEqualsSingleJvm(model, labels, images, got);
        assertEqualsCli(model, labelsFile, images, got);
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

    @Test
    void aModelThePresetCannotFeedFailsTheJobAndItsSessionsAreClosed(@TempDir Path tmp) throws Exception {
        TestImages.write(tmp.resolve("images"), 2, 1);
        Path mnist = SharedData.require("models/mnist-8/mnist-8.onnx"); // grey 28x28: not an ImageNet input
        SessionCounter.reset();
        StreamExecutionEnvironment env = batchEnvironment();
        ClassifyImagesJob.build(env, new ClassifyImagesJob.Settings(List.of(tmp.resolve("images").toString()),
                ModelSource.bytesOf(mnist), "imagenet", List.of(), TOP, tmp.resolve("out").toString(), PARALLELISM,
                SessionThreads.perSlot()));
        Exception e = assertThrows(Exception.class, env::execute);
        String chain = messages(e);
        assertTrue(chain.contains("channel"), chain); // the samples' Classifier says what does not fit
        assertTrue(SessionCounter.opened() >= 1, "sessions opened before the binding failed");
        // Flink may still be cancelling the other instance when the job's failure reaches the client.
        for (int i = 0; i < 100 && SessionCounter.live() > 0; i++) {
            Thread.sleep(100);
        }
        assertEquals(SessionCounter.opened(), SessionCounter.closed(), "a session left open");
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

    /**
     * The samples' single-JVM classifier (what {@code vinfer classify} runs: one session with all cores, the file
     * decoded from disk) must give the same top-k, with the very same float probabilities.
     */
    private static void assertEqualsSingleJvm(Path model, List<String> labels, List<Path> images,
            Map<String, Classification> got) throws IOException {
        try (Classifier classifier = Classifier.open(model, ImagePreset.named("imagenet"), Labels.of(labels),
                new SessionOptions())) {
            for (Path image : images) {
                String path = image.toString();
                List<Classifier.Prediction> want = classifier.classify(ImageTensors.load(image), TOP);
                Classification c = got.get(path);
                assertNotNull(c, path);
                assertEquals(want.size(), c.size(), path);
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(want.get(i).index(), c.indices()[i], path + " rank " + i);
                    assertEquals(want.get(i).label(), c.labels()[i], path + " rank " + i);
                    assertEquals(want.get(i).probability(), c.probabilities()[i], path + " rank " + i);
                }
            }
        }
    }

    /** {@code vinfer classify --json} itself: same classes, same probabilities at the 6 decimals it prints. */
    private static void assertEqualsCli(Path model, Path labels, List<Path> images, Map<String, Classification> got) {
        List<String> args = new ArrayList<>(List.of("classify", "--json", "--top", String.valueOf(TOP), "--model",
                model.toString(), "--labels", labels.toString()));
        images.forEach(p -> args.add(p.toString()));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(images.size(), lines.size(), "one JSON line per image");
        Pattern image = Pattern.compile("\\{\"image\": \"([^\"]+)\"");
        Pattern entry = Pattern.compile("\"index\": (\\d+), \"label\": \"(?:[^\"\\\\]|\\\\.)*\", "
                + "\"probability\": ([0-9.eE-]+)");
        for (String line : lines) {
            Matcher m = image.matcher(line);
            assertTrue(m.find(), line);
            Classification c = got.get(m.group(1));
            assertNotNull(c, line);
            Matcher e = entry.matcher(line);
            for (int i = 0; i < TOP; i++) {
                assertTrue(e.find(), line);
                assertEquals(c.indices()[i], Integer.parseInt(e.group(1)), line);
                assertEquals(Json.num(c.probabilities()[i], 6), e.group(2), line);
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
