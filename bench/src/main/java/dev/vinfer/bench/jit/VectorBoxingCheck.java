package dev.vinfer.bench.jit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads HotSpot compilation logs ({@code -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=F}) and
 * lists, for every C2 compile of a {@code dev.vinfer} method, the calls that make the compiled code box vectors:
 * <ul>
 *   <li>a {@code jdk.incubator.vector} method left as a virtual call: C2 inlines the Vector API's abstract methods
 *       (FloatVector.lanewise, blend, compare, ...) from the call site's receiver-type profile, and a site without
 *       one (a branch first reached after the profiling window, a path of an OSR compile the loop had not left yet)
 *       runs the Java fallback, allocating every vector;</li>
 *   <li>a call to a {@code dev.vinfer} method that takes or returns a vector and was not inlined (node-count
 *       cut-off, "already compiled into a big method"): the vector is boxed at the call.</li>
 * </ul>
 * Such a compile stays until something deoptimizes it: one JVM in a few dozen ran a small CNN's pooling at the
 * interpreter's pace for its whole life (100 KB allocated a run). {@code bench/jit-check.sh} runs a model with the
 * log on and calls this. Usage: {@code VectorBoxingCheck LOG.xml...}; exit status 1 when something is listed.
 */
public final class VectorBoxingCheck {
    private static final Pattern TASK = Pattern.compile("<task (.*?)</task>", Pattern.DOTALL);
    private static final Pattern NAMED = Pattern.compile("<(?:klass|type) id='(\\d+)' name='([^']+)'");
    private static final Pattern METHOD = Pattern.compile(
            "<method id='(\\d+)' holder='(\\d+)' name='([^']+)'(?: return='(\\d+)')?(?: arguments='([^']*)')?");
    private static final Pattern FAILED_CALL = Pattern.compile(
            "<call method='(\\d+)'[^>]*/>\\s*<inline_fail reason='([^']+)'");
    private static final List<String> BOXING_REASONS = List.of("virtual call", "NodeCountInliningCutoff", "too big",
            "hot method too big", "inlining too deep");

    private VectorBoxingCheck() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, Integer> findings = new TreeMap<>();
        for (String file : args) {
            scan(Files.readString(Path.of(file)), findings);
        }
        findings.forEach((what, count) -> System.out.println(count + "\t" + what));
        System.out.println(findings.isEmpty() ? "no vector boxing in C2 compiles of dev.vinfer methods"
                : findings.size() + " kinds of boxing call in C2 compiles of dev.vinfer methods");
        System.exit(findings.isEmpty() ? 0 : 1);
    }

    /** Adds "compiled method -> callee: reason" entries for every boxing call in the log's C2 compiles. */
    static void scan(String log, Map<String, Integer> findings) {
        Matcher task = TASK.matcher(log);
        while (task.find()) {
            String body = task.group();
            String head = task.group(1).substring(0, Math.min(400, task.group(1).length()));
            // C1 tasks carry a tier level; C2 tasks do not. A stand-alone compile of a helper that itself takes or
            // returns vectors is only entered from callers that did not inline it, and those callers are listed.
            Matcher compiled = Pattern.compile("method='([^' ]+) ([^' ]+) ([^']*)'").matcher(head);
            if (head.contains("level='") || !compiled.find() || !compiled.group(1).startsWith("dev.vinfer")
                    || compiled.group(3).contains("jdk/incubator/vector/")) {
                continue;
            }
            Map<String, String> names = new HashMap<>();
            for (Matcher m = NAMED.matcher(body); m.find(); ) {
                names.put(m.group(1), m.group(2));
            }
            Map<String, String[]> methods = new HashMap<>();
            for (Matcher m = METHOD.matcher(body); m.find(); ) {
                List<String> types = new ArrayList<>();
                if (m.group(5) != null && !m.group(5).isBlank()) {
                    types.addAll(List.of(m.group(5).trim().split(" ")));
                }
                if (m.group(4) != null) {
                    types.add(m.group(4));
                }
                boolean vectors = types.stream().map(t -> names.getOrDefault(t, ""))
                        .anyMatch(n -> n.startsWith("jdk.incubator.vector.") && !n.contains("Species"));
                methods.put(m.group(1), new String[] {names.getOrDefault(m.group(2), "?") + "::" + m.group(3),
                        String.valueOf(vectors)});
            }
            for (Matcher m = FAILED_CALL.matcher(body); m.find(); ) {
                String[] callee = methods.getOrDefault(m.group(1), new String[] {"?", "false"});
                String reason = m.group(2);
                boolean vectorApi = callee[0].startsWith("jdk.incubator.vector.") && BOXING_REASONS.contains(reason);
                boolean ownVectorHelper = callee[0].startsWith("dev.vinfer.") && Boolean.parseBoolean(callee[1]);
                if (vectorApi || ownVectorHelper) {
                    findings.merge(compiled.group(1) + "::" + compiled.group(2) + " -> " + callee[0] + ": " + reason,
                            1, Integer::sum);
                }
            }
        }
    }
}
