package dev.vinfer.bench.models;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the family models as ONNX files, for use with {@code ./vinfer run|bench|profile} or any other runtime.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.vinfer.bench.models.BuildModels \
 *     OUT_DIR [family[:NxCxHxW]]...
 * </pre>
 * With no families, writes every family at its full input size.
 */
public final class BuildModels {
    private BuildModels() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: BuildModels OUT_DIR [family[:NxCxHxW]]...   families: "
                    + java.util.Arrays.toString(Family.values()).toLowerCase());
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        List<String> wanted = new ArrayList<>(List.of(args).subList(1, args.length));
        if (wanted.isEmpty()) {
            for (Family f : Family.values()) {
                wanted.add(f.id());
            }
        }
        for (String w : wanted) {
            String[] parts = w.split(":");
            Family f = Family.byId(parts[0]);
            int[] input = parts.length > 1 ? Family.parse(parts[1]) : f.fullInput();
            Path p = f.write(dir, input);
            System.out.printf("%-14s %-16s %s (%.1f MB)%n", f.id(), Family.shapeString(input), p,
                    p.toFile().length() / 1e6);
        }
    }
}
