package dev.vinfer.flink;

import dev.vinfer.flink.images.ClassifyImagesJob;
import dev.vinfer.flink.images.SingleJvmBaseline;
import dev.vinfer.flink.signals.ScoreSignalsJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The job jar's entry point: {@code classify-images} (batch) or {@code score-signals} (streaming), and
 * {@code single-jvm}, the same classification without Flink for comparison. Run it with
 * {@code flink/run-local.sh} (a local Flink in this JVM) or submit the same jar to a cluster with
 * {@code flink run}.
 */
@Command(name = "vinfer-flink", mixinStandardHelpOptions = true, version = "vinfer-flink 0.1.0",
        description = "vinfer inference jobs for Apache Flink.",
        subcommands = {ClassifyImagesJob.class, ScoreSignalsJob.class, SingleJvmBaseline.class,
            CommandLine.HelpCommand.class})
public final class FlinkJobs {
    /** Exit code for a user error (bad model, bad files, bad arguments). */
    public static final int USER_ERROR = 2;

    private FlinkJobs() {
    }

    public static void main(String[] args) {
        int code = execute(args);
        if (code != 0) {
            // Only on failure: on a cluster (application mode) main runs inside the JobManager.
            System.exit(code);
        }
    }

    /** Runs a job and returns the exit code; errors print one line naming the cause. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new FlinkJobs());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("vinfer-flink: " + JobErrors.describe(ex));
            return USER_ERROR;
        });
        return cl.execute(args);
    }
}
