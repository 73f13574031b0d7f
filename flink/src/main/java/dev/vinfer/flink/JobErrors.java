package dev.vinfer.flink;

import java.util.HashSet;
import java.util.Set;

/** Turns the exception chain of a failed job (Flink wraps the task's error several times) into one line. */
final class JobErrors {
    private JobErrors() {
    }

    /**
     * The outermost exception that is not one of Flink's wrappers ("Job execution failed", "Recovery is
     * suppressed by ..."): the one the job's code threw, whose message names what went wrong (and usually
     * repeats its cause's). The outermost exception if all are wrappers.
     */
    static String describe(Throwable ex) {
        Throwable best = ex;
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = ex; t != null && seen.add(t); t = t.getCause()) {
            if (t.getMessage() != null && !isFlinkWrapper(t)) {
                best = t;
                break;
            }
        }
        String m = best.getMessage() == null ? best.toString() : best.getMessage();
        if (m.startsWith("vinfer: ")) {
            m = m.substring("vinfer: ".length()); // the launcher prints its own prefix
        }
        return m.replace('\n', ' ');
    }

    private static boolean isFlinkWrapper(Throwable t) {
        String cls = t.getClass().getName();
        return cls.startsWith("org.apache.flink.") || cls.startsWith("java.util.concurrent.");
    }
}
