package dev.vinfer.flink;

import java.io.Serializable;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;

/**
 * How many intra-op threads each operator instance's session gets. A task manager runs one operator instance per
 * task slot, all in one JVM; if every session took all cores, {@code slots} sessions would fight over them. So the
 * default gives each session its slot's share of the cores: {@code max(1, cores / taskmanager.numberOfTaskSlots)},
 * read from the task manager that runs the instance.
 *
 * @param fixed a fixed thread count, or 0 for the per-slot share
 */
public record SessionThreads(int fixed) implements Serializable {

    public SessionThreads {
        if (fixed < 0) {
            throw new IllegalArgumentException("session threads must be >= 1 (or 0 for the per-slot share), got "
                    + fixed);
        }
    }

    /** The task slot's share of the task manager's cores (the default). */
    public static SessionThreads perSlot() {
        return new SessionThreads(0);
    }

    /** Exactly {@code n} threads per session. */
    public static SessionThreads of(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("session threads must be >= 1, got " + n);
        }
        return new SessionThreads(n);
    }

    /** The thread count for a session opened in the operator instance that owns {@code context}. */
    public int resolve(RuntimeContext context) {
        if (fixed > 0) {
            return fixed;
        }
        return share(Runtime.getRuntime().availableProcessors(), slotsPerTaskManager(context));
    }

    static int share(int cores, int slots) {
        return Math.max(1, cores / Math.max(1, slots));
    }

    /**
     * The task manager's slot count. Flink's public RuntimeContext does not expose the task manager's
     * configuration; the streaming runtime's context does, and every DataStream operator runs with one. Elsewhere
     * (a context we cannot read) we assume one slot, i.e. all cores.
     */
    static int slotsPerTaskManager(RuntimeContext context) {
        if (context instanceof StreamingRuntimeContext s) {
            return s.getTaskManagerRuntimeInfo().getConfiguration().get(TaskManagerOptions.NUM_TASK_SLOTS);
        }
        return 1;
    }

    @Override
    public String toString() {
        return fixed > 0 ? fixed + " threads" : "cores / task slots";
    }
}
