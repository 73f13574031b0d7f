package dev.vinfer.onnx.conformance;

import dev.vinfer.onnx.testing.OnnxTestCase;
import dev.vinfer.runtime.SessionOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** Runs ONNX backend test folders with a time bound per test, and reads/writes result lists. */
final class ConformanceSuite {
    private static final long TIMEOUT_SECONDS = 60;

    private ConformanceSuite() {
    }

    /** Test folders directly under {@code dir}, sorted by name. */
    static List<Path> listTests(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.exists(p.resolve("model.onnx"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs each test folder; a test that takes longer than the bound is reported as ERROR (timeout). */
    static Map<String, OnnxTestCase.Result> run(List<Path> dirs, boolean optimize) {
        Map<String, OnnxTestCase.Result> results = new LinkedHashMap<>();
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "conformance");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Path d : dirs) {
                OnnxTestCase tc = new OnnxTestCase(d);
                SessionOptions opts = new SessionOptions().threads(1).optimize(optimize);
                Future<OnnxTestCase.Result> f = ex.submit(() -> tc.run(opts, ConformanceTolerances.forTest(tc.name())));
                OnnxTestCase.Result r;
                try {
                    r = f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    ex.shutdownNow();
                    ex = Executors.newSingleThreadExecutor(rr -> {
                        Thread t = new Thread(rr, "conformance");
                        t.setDaemon(true);
                        return t;
                    });
                    r = new OnnxTestCase.Result(tc.name(), OnnxTestCase.Status.ERROR,
                            "timeout after " + TIMEOUT_SECONDS + " s", 0, 0);
                } catch (Exception e) {
                    r = new OnnxTestCase.Result(tc.name(), OnnxTestCase.Status.ERROR, e.toString(), 0, 0);
                } catch (OutOfMemoryError e) {
                    r = new OnnxTestCase.Result(tc.name(), OnnxTestCase.Status.ERROR, "OutOfMemoryError", 0, 0);
                }
                results.put(tc.name(), r);
            }
        } finally {
            ex.shutdownNow();
        }
        return results;
    }

    /** Writes {@code name<TAB>STATUS<TAB>detail} lines, sorted by name. */
    static void write(Path file, String header, Map<String, OnnxTestCase.Result> results) {
        List<String> lines = new ArrayList<>();
        lines.add(header);
        results.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(r -> lines.add(
                r.name() + "\t" + r.status() + (r.detail().isEmpty() ? "" : "\t" + r.detail())));
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a result list written by {@link #write}: name to status; lines starting with # are comments. */
    static Map<String, String> read(Path file) {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return m;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t", 3);
                m.put(parts[0].trim(), parts.length > 1 ? parts[1].trim() : "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    static String summary(Map<String, OnnxTestCase.Result> results) {
        Map<OnnxTestCase.Status, Integer> counts = new LinkedHashMap<>();
        for (OnnxTestCase.Result r : results.values()) {
            counts.merge(r.status(), 1, Integer::sum);
        }
        return results.size() + " tests: " + counts;
    }
}
