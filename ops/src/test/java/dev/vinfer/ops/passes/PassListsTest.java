package dev.vinfer.ops.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The graph passes are found by ServiceLoader, from two lists that must agree: the class path reads
 * {@code META-INF/services/dev.vinfer.runtime.GraphPass}, the module path reads {@code provides} in
 * {@code module-info.java}. A pass missing from one list silently does not run in that launch mode (until session
 * 25 the module path missed the four channel-blocked passes, so a modular application ran the NCHW kernels).
 */
class PassListsTest {
    @Test
    void moduleInfoProvidesEveryServiceListedPass() throws Exception {
        Set<String> services = new TreeSet<>();
        Path list = Path.of("src/main/resources/META-INF/services/dev.vinfer.runtime.GraphPass");
        for (String line : Files.readAllLines(list)) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                services.add(s);
            }
        }
        String module = Files.readString(Path.of("src/main/java/module-info.java"));
        Matcher m = Pattern.compile("provides\\s+dev\\.vinfer\\.runtime\\.GraphPass\\s+with\\s+([^;]+);")
                .matcher(module);
        Set<String> provided = new TreeSet<>();
        while (m.find()) {
            for (String s : m.group(1).split(",")) {
                provided.add(s.strip());
            }
        }
        assertEquals(services, provided, "module-info.java's provides against the services file");
        assertEquals(true, services.contains(PointwiseMeanFusion.class.getName()), services.toString());
    }
}
