package dev.vinfer.flink;

import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import java.util.Objects;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.IntMaximum;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * A Flink map operator that runs a vinfer model on every record. Each parallel instance opens one
 * {@link Session} in {@link #open(OpenContext)} and closes it in {@link #close()}; records of that instance run
 * on it one after the other, and the session's intra-op threads are sized to the task slot
 * ({@link SessionThreads#perSlot()} by default) so that the instances of one task manager share its cores.
 *
 * <pre>{@code
 * DataStream<Result> results = records
 *         .map(new InferenceFunction<>(ModelSource.bytesOf(model), SessionThreads.perSlot(),
 *                 InferenceBinding.of(InputConverter.single(r -> Tensor.of(r.values(), 1, 1, r.length())),
 *                         (r, out) -> new Result(r.id(), out.values().iterator().next().toFloatArray()))))
 *         .name("vinfer").setParallelism(4);   // set it: in BATCH mode Flink may otherwise choose 1
 * }</pre>
 *
 * <p>Accumulators (summed over all instances, in the job's result): {@value #RECORDS_ACCUMULATOR},
 * {@value #SESSIONS_ACCUMULATOR}, {@value #THREADS_ACCUMULATOR} (the most threads any session had),
 * {@value #INFERENCE_NANOS_ACCUMULATOR} (time inside the binding, summed) and
 * {@value #FIRST_RECORD_ACCUMULATOR} / {@value #LAST_RECORD_ACCUMULATOR} (epoch milliseconds when the first record
 * started and the last one finished, over all instances: the inference phase without job start-up and session
 * opening).
 */
public class InferenceFunction<IN, OUT> extends RichMapFunction<IN, OUT> {
    public static final String RECORDS_ACCUMULATOR = "vinfer.records";
    public static final String SESSIONS_ACCUMULATOR = "vinfer.sessions";
    public static final String THREADS_ACCUMULATOR = "vinfer.sessionThreadsMax";
    public static final String INFERENCE_NANOS_ACCUMULATOR = "vinfer.inferenceNanos";
    public static final String FIRST_RECORD_ACCUMULATOR = "vinfer.firstRecordMillis";
    public static final String LAST_RECORD_ACCUMULATOR = "vinfer.lastRecordMillis";

    private static final long serialVersionUID = 1L;

    private final ModelSource model;
    private final SessionThreads threads;
    private final boolean optimize;
    private final InferenceBinding<IN, OUT> binding;

    private transient Session session;
    private transient Inference<IN, OUT> inference;
    private transient LongCounter records;
    private transient LongCounter inferenceNanos;
    private transient LongMinimum firstRecord;
    private transient LongMaximum lastRecord;

    public InferenceFunction(ModelSource model, SessionThreads threads, InferenceBinding<IN, OUT> binding) {
        this(model, threads, true, binding);
    }

    /** {@code optimize}: run vinfer's graph optimizations when each session opens (the default). */
    public InferenceFunction(ModelSource model, SessionThreads threads, boolean optimize,
            InferenceBinding<IN, OUT> binding) {
        this.model = Objects.requireNonNull(model, "model");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.optimize = optimize;
        this.binding = Objects.requireNonNull(binding, "binding");
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        RuntimeContext ctx = getRuntimeContext();
        SessionOptions options = new SessionOptions().threads(threads.resolve(ctx)).optimize(optimize);
        try {
            session = model.open(ctx, options);
        } catch (RuntimeException | java.io.IOException e) {
            throw new IllegalStateException("vinfer: " + ctx.getTaskInfo().getTaskNameWithSubtasks()
                    + " could not open the " + model.describe() + ": " + e.getMessage(), e);
        }
        SessionCounter.countOpened(options.threads());
        try {
            inference = binding.bind(session);
        } catch (Exception e) {
            close();
            throw e;
        }
        ctx.getIntCounter(SESSIONS_ACCUMULATOR).add(1);
        Object existing = ctx.getAccumulator(THREADS_ACCUMULATOR);
        if (existing instanceof IntMaximum chainedMax) { // another instance chained into the same task
            chainedMax.add(options.threads());
        } else {
            ctx.addAccumulator(THREADS_ACCUMULATOR, new IntMaximum(options.threads()));
        }
        records = ctx.getLongCounter(RECORDS_ACCUMULATOR);
        inferenceNanos = ctx.getLongCounter(INFERENCE_NANOS_ACCUMULATOR);
        firstRecord = accumulator(ctx, FIRST_RECORD_ACCUMULATOR, new LongMinimum(Long.MAX_VALUE));
        lastRecord = accumulator(ctx, LAST_RECORD_ACCUMULATOR, new LongMaximum(Long.MIN_VALUE));
    }

    /** The accumulator of that name, registered by this task's first instance that asks for it. */
    @SuppressWarnings("unchecked")
    private static <A extends Accumulator<Long, Long>> A accumulator(RuntimeContext ctx, String name, A fresh) {
        Accumulator<Long, Long> existing = ctx.getAccumulator(name);
        if (existing != null) {
            return (A) existing;
        }
        ctx.addAccumulator(name, fresh);
        return fresh;
    }

    @Override
    public OUT map(IN record) throws Exception {
        long startMillis = System.currentTimeMillis();
        long t0 = System.nanoTime();
        OUT out = inference.apply(record);
        inferenceNanos.add(System.nanoTime() - t0);
        records.add(1);
        firstRecord.add(startMillis);
        lastRecord.add(System.currentTimeMillis());
        return out;
    }

    /** Closes the session (Flink calls this after the last record, and also when the task fails). */
    @Override
    public void close() throws Exception {
        if (session != null) {
            session.close();
            session = null;
            inference = null;
            SessionCounter.countClosed();
        }
    }
}
