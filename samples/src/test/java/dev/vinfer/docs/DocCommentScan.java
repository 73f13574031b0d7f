package dev.vinfer.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds public API without a javadoc comment by reading source text (javadoc's own "missing" check cannot be limited
 * to types, and would flag every public method of every operator). Line-based on purpose: the code base keeps one
 * top-level type per file, declarations start at column 0 and members at 4 spaces, which the formatter enforces.
 */
final class DocCommentScan {
    private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
            "^public\\s+((abstract|final|sealed|non-sealed|static|strictfp)\\s+)*"
                    + "(class|interface|enum|record|@interface)\\s+(\\w+)", Pattern.MULTILINE);
    private static final Pattern IMPORT_OR_PACKAGE = Pattern.compile("^(import|package)\\s[^\\n]*;", Pattern.MULTILINE);

    private DocCommentScan() {
    }

    /** Every .java file under {@code dir} except package-info and module-info, sorted. */
    static List<Path> sources(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().equals("package-info.java"))
                    .filter(p -> !p.getFileName().toString().equals("module-info.java"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The name of the file's public top-level type, or null if it has none. */
    static String publicTopLevelType(String source) {
        Matcher m = TOP_LEVEL_TYPE.matcher(source);
        return m.find() ? m.group(4) : null;
    }

    /**
     * Whether the public top-level type carries a javadoc comment: a {@code /**} comment between the last import
     * (or the package line) and the declaration, annotations allowed in between.
     */
    static boolean topLevelTypeDocumented(String source) {
        Matcher m = TOP_LEVEL_TYPE.matcher(source);
        if (!m.find()) {
            return true;
        }
        String before = source.substring(0, m.start());
        Matcher last = IMPORT_OR_PACKAGE.matcher(before);
        int from = 0;
        while (last.find()) {
            from = last.end();
        }
        String header = before.substring(from);
        int open = header.indexOf("/**");
        return open >= 0 && header.indexOf("*/", open) > open + 3 && !header.substring(open + 3,
                header.indexOf("*/", open)).replace("*", "").isBlank();
    }

    /**
     * Public members of the top-level type (declared at 4 spaces of indentation) that have no javadoc comment;
     * {@code @Override} methods inherit theirs and are skipped. Returns the declaration lines, trimmed.
     */
    static List<String> undocumentedMembers(String source) {
        String[] lines = source.split("\n", -1);
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith("    public ")) {
                continue;
            }
            int j = i - 1;
            boolean override = false;
            while (j >= 0 && (lines[j].isBlank() || lines[j].strip().startsWith("@"))) {
                override |= lines[j].strip().startsWith("@Override");
                j--;
            }
            if (override) {
                continue;
            }
            if (!(j >= 0 && lines[j].strip().endsWith("*/") && javadocStart(lines, j))) {
                missing.add(lines[i].strip());
            }
        }
        return missing;
    }

    /** Whether the comment ending at line {@code end} opens with {@code /**}. */
    private static boolean javadocStart(String[] lines, int end) {
        for (int k = end; k >= 0; k--) {
            int open = lines[k].indexOf("/*");
            if (open >= 0) {
                return lines[k].startsWith("/**", open);
            }
        }
        return false;
    }
}
