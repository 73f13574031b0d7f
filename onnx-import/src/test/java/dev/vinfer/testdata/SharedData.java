package dev.vinfer.testdata;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the read-only shared data ({@code ../shared} from the project root, or the system property
 * {@code vinfer.shared}). A suite whose data is missing fails loudly rather than passing silently, unless
 * {@code vinfer.allowMissingShared=true} is set for a machine that truly lacks it.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Path root() {
        String prop = System.getProperty("vinfer.shared");
        Path p;
        if (prop != null && !prop.isEmpty()) {
            p = Path.of(prop);
        } else {
            p = projectRoot().resolve("../shared");
        }
        return p.toAbsolutePath().normalize();
    }

    /** The project root (system property {@code vinfer.rootdir}, else found by walking up to the root pom). */
    public static Path projectRoot() {
        String prop = System.getProperty("vinfer.rootdir");
        if (prop != null && !prop.isEmpty()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("1d-3d-conv"))) {
            p = p.getParent();
        }
        return p == null ? Path.of("").toAbsolutePath() : p;
    }

    /** A path under the shared folder that must exist; fails the test with a clear message if not. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            String msg = "SHARED TEST DATA MISSING: " + p + " (set -Dvinfer.shared=... to the shared folder)";
            System.err.println("!!! " + msg);
            if (Boolean.getBoolean("vinfer.allowMissingShared")) {
                org.junit.jupiter.api.Assumptions.abort(msg);
            }
            fail(msg);
        }
        return p;
    }
}
