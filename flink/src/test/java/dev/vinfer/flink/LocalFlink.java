package dev.vinfer.flink;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Environments whose jobs run on a local MiniCluster (one task manager with {@code slots} slots, this JVM). */
public final class LocalFlink {
    private LocalFlink() {
    }

    public static StreamExecutionEnvironment environment(int slots) {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        // Records and arrays must serialize as POJOs / primitive arrays; a silent Kryo fallback is a bug here.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // A failing test job must fail at once, not retry.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return StreamExecutionEnvironment.createLocalEnvironment(slots, conf);
    }
}
