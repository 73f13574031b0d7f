package dev.vinfer.flink.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.flink.FlinkJobs;
import dev.vinfer.flink.SessionCounter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job jar's entry point as run-local.sh and {@code flink run} call it: exit codes and one-line errors. */
class FlinkJobsCliTest {

    @Test
    void classifiesWithTheModelFromTheDistributedCache(@TempDir Path tmp) throws Exception {
        List<Path> images = TestImages.write(tmp.resolve("images"), 3, 11);
        Path model = Files.write(tmp.resolve("tiny.onnx"), TinyClassifier.onnx(3));
        Path labels = Files.write(tmp.resolve("labels.txt"), TinyClassifier.labels());
        SessionCounter.reset();
        Run r = run("classify-images", "--images", tmp.resolve("images").toString(), "--model", model.toString(),
                "--labels", labels.toString(), "--output", tmp.resolve("out").toString(), "--parallelism", "2",
                "--ship", "cache", "--top", "3");
        assertEquals(0, r.code, r.err);
        int perSlot = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        assertTrue(r.out.contains("classify-images: 3 records, 2 sessions (threads each: " + perSlot + ")"), r.out);
        assertEquals(2, SessionCounter.closed());
        try (Stream<Path> s = Files.list(tmp.resolve("out"))) {
            List<String> lines = Files.readAllLines(s.findFirst().orElseThrow());
            assertEquals(ClassificationCsv.header(3), lines.get(0));
            assertEquals(images.size() + 1, lines.size());
        }
    }

    @Test
    void anUndecodableImageFailsTheJobNamingTheFile(@TempDir Path tmp) throws Exception {
        TestImages.write(tmp.resolve("images"), 2, 12);
        Files.write(tmp.resolve("images/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        Path model = Files.write(tmp.resolve("tiny.onnx"), TinyClassifier.onnx(3));
        Run r = run("classify-images", "--images", tmp.resolve("images").toString(), "--model", model.toString(),
                "--output", tmp.resolve("out").toString(), "--parallelism", "1", "--ship", "path");
        assertEquals(FlinkJobs.USER_ERROR, r.code);
        assertTrue(r.err.startsWith("vinfer-flink: cannot decode image ") && r.err.contains("broken.png"), r.err);
        assertEquals(1, r.err.strip().lines().count(), r.err);
    }

    @Test
    void userErrorsExitWithCode2BeforeAnyJobStarts(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("out"));
        Files.writeString(tmp.resolve("out/old.csv"), "x");
        Run r = run("classify-images", "--images", tmp.toString(), "--model", "m.onnx", "--output",
                tmp.resolve("out").toString());
        assertEquals(FlinkJobs.USER_ERROR, r.code);
        assertTrue(r.err.contains("is not empty"), r.err);

        r = run("classify-images", "--images", tmp.toString(), "--model", tmp.resolve("missing.onnx").toString(),
                "--output", tmp.resolve("new").toString());
        assertEquals(FlinkJobs.USER_ERROR, r.code);
        assertTrue(r.err.contains("missing.onnx"), r.err);

        r = run("classify-images", "--images", tmp.toString());
        assertEquals(FlinkJobs.USER_ERROR, r.code);
        assertTrue(r.err.contains("--model"), r.err);
    }

    private record Run(int code, String out, String err) {
    }

    private static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = FlinkJobs.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
