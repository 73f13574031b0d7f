package dev.vinfer.flink;

import java.util.Locale;
import org.apache.flink.api.common.JobExecutionResult;

/**
 * What a finished job tells about its inference operators, from {@link InferenceFunction}'s accumulators:
 * records, sessions, and rates over the whole job and over the inference phase alone.
 *
 * @param records        records the inference operators processed
 * @param sessions       sessions they opened (one per operator instance)
 * @param sessionThreads the most intra-op threads a session had
 * @param jobMillis      the job's run time as the cluster measured it (scheduling, session opening, inference)
 * @param inferenceMillis from the first record's start to the last record's end, over all instances
 * @param busyNanos      time spent inside the inference, summed over instances
 */
public record JobSummary(long records, int sessions, int sessionThreads, long jobMillis, long inferenceMillis,
        long busyNanos) {

    public static JobSummary of(JobExecutionResult result) {
        long records = value(result, InferenceFunction.RECORDS_ACCUMULATOR);
        long first = value(result, InferenceFunction.FIRST_RECORD_ACCUMULATOR);
        long last = value(result, InferenceFunction.LAST_RECORD_ACCUMULATOR);
        return new JobSummary(records, (int) value(result, InferenceFunction.SESSIONS_ACCUMULATOR),
                (int) value(result, InferenceFunction.THREADS_ACCUMULATOR), result.getNetRuntime(), records == 0 ? 0 : Math.max(1, last - first),
                value(result, InferenceFunction.INFERENCE_NANOS_ACCUMULATOR));
    }

    private static long value(JobExecutionResult result, String name) {
        Object v = result.getAccumulatorResult(name);
        return v instanceof Number n ? n.longValue() : 0;
    }

    /** Records per second over the inference phase (without job start-up and session opening). */
    public double inferenceRate() {
        return inferenceMillis == 0 ? 0 : records * 1000.0 / inferenceMillis;
    }

    /** Records per second over the whole job. */
    public double jobRate() {
        return jobMillis == 0 ? 0 : records * 1000.0 / jobMillis;
    }

    /** Mean time of one inference inside an operator instance, in milliseconds. */
    public double meanInferenceMillis() {
        return records == 0 ? 0 : busyNanos / 1e6 / records;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d records, %d sessions (threads each: %d); job %.2f s (%.1f records/s); "
                + "inference phase %.2f s (%.1f records/s); %.1f ms per record inside an instance", records, sessions,
                sessionThreads, jobMillis / 1000.0, jobRate(), inferenceMillis / 1000.0, inferenceRate(), meanInferenceMillis());
    }
}
