package dev.vinfer.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.testdata.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The code blocks of docs/guide.md must equal the snippet regions of GuideExamples.java and ApiExamples.java
 * (which the build compiles and GuideExamplesTest / ApiExamplesTest run). {@code -Dvinfer.docs.update=true} copies
 * the regions into the guide.
 */
class GuideSnippetsTest {
    /** Javadoc's snippet region markup, which GuideExamples and ApiExamples use. */
    private static final String START = "// @start region=";

    static Map<String, String> regions(Path source) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(source);
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.startsWith(START)) {
                String name = t.substring(START.length()).replace("\"", "").strip();
                int indent = lines.get(i).indexOf("//");
                StringBuilder sb = new StringBuilder();
                for (i++; !lines.get(i).strip().startsWith("// @end"); i++) {
                    String l = lines.get(i);
                    sb.append(l.length() >= indent ? l.substring(indent) : l.strip()).append('\n');
                }
                m.put(name, sb.toString());
            }
        }
        return m;
    }

    static String render(String guide, Map<String, String> regions) {
        StringBuilder out = new StringBuilder();
        String[] lines = guide.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            out.append(lines[i]).append('\n');
            if (lines[i].startsWith("<!-- snippet: ")) {
                String name = lines[i].substring("<!-- snippet: ".length(), lines[i].indexOf(" -->"));
                out.append(lines[++i]).append('\n');
                while (!lines[i + 1].equals("```")) {
                    i++;
                }
                out.append(regions.getOrDefault(name, "MISSING SNIPPET " + name + "\n"));
            }
        }
        return out.substring(0, out.length() - 1);
    }

    @Test
    void guideShowsTheCompiledExamples() throws IOException {
        Path root = SharedData.projectRoot();
        Path guide = root.resolve("docs/guide.md");
        Map<String, String> regions = regions(
                root.resolve("samples/src/test/java/dev/vinfer/docs/GuideExamples.java"));
        regions.putAll(regions(root.resolve("samples/src/test/java/dev/vinfer/docs/ApiExamples.java")));
        assertTrue(regions.size() >= 9, "snippets found: " + regions.keySet());
        String text = Files.readString(guide);
        String rendered = render(text, regions);
        if (Boolean.getBoolean("vinfer.docs.update")) {
            Files.writeString(guide, rendered);
            return;
        }
        assertEquals(rendered, text, "docs/guide.md differs from GuideExamples.java; regenerate with"
                + " -Dvinfer.docs.update=true");
    }
}
