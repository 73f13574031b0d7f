package dev.vinfer.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A graph ready to run, with its own thread pool. Open it once, run it many times (from several threads at once
 * if you like), close it when done.
 *
 * <p>Sessions are usually opened from an ONNX file with {@code dev.vinfer.Vinfer.open}. Several threads may share
 * one session (each run has its own activation memory; all share the session's worker threads); with many
 * concurrent callers, {@code threads(1)} per session avoids oversubscribing the cores (from {@code GuideExamples},
 * compiled and run by the build):
 * {@snippet class=dev.vinfer.docs.GuideExamples region=threads}
 */
public final class Session implements AutoCloseable {
    private final Graph graph;
    private final SessionOptions options;
    private final ThreadPoolParallel parallel;
    /** Whether this session started {@link #parallel} (and closes it), or runs on a pool the caller shares. */
    private final boolean ownsPool;
    private final Executor executor;
    private final MemoryPlans plans;
    private final List<ValueInfo> inputInfo;
    private final List<ValueInfo> outputInfo;
    private final long constantBytes;
    // Runs in flight, per thread, guarded by lifecycle: close() waits for them (see close()).
    private final Object lifecycle = new Object();
    // This session's runs in flight on the current thread (a run calling close() from a callback); per thread, so
    // that entering a run allocates nothing once the thread has run this session before.
    private final ThreadLocal<int[]> runningHere = ThreadLocal.withInitial(() -> new int[1]);
    private int inFlight;
    private boolean poolClosed;
    private volatile boolean closed;
    private final RunAccounting accounting;
    // Until a finished run has let the ops that pack their weights say which raw constants they no longer read.
    private volatile boolean releasePending = !"false".equals(System.getProperty(RELEASE_PACKED_PROPERTY));
    private long releasedBytes;

    /** Set to false to keep raw weights after they were packed (for before/after measurements). */
    static final String RELEASE_PACKED_PROPERTY = "vinfer.releasePackedConstants";

    private static final System.Logger LOG = System.getLogger("dev.vinfer");
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED_SCALAR =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Plans {@code graph} for running and starts the session's worker threads ({@code options.threads() - 1}; the
     * calling thread of each run does a share of the work), or runs on the caller's shared
     * {@link SessionOptions#pool}. The graph is used as given:
     * {@link dev.vinfer.runtime.Optimizer} runs only if the caller ran it. The session takes ownership of the graph (do
     * not change it afterwards) and keeps its own copy of {@code options}.
     *
     * @throws ModelException if the graph's constants alone exceed {@link Limits#maxMemoryBytes()}
     */
    public Session(Graph graph, SessionOptions options) {
        this.graph = graph;
        this.options = options.clone();
        this.constantBytes = SessionSetup.constantBytes(graph);
        long budget = this.options.limits().maxMemoryBytes();
        if (constantBytes > budget) {
            throw new ModelException("the model's constants take " + constantBytes
                    + " bytes, more than the memory limit (maxMemoryBytes = " + budget + ")");
        }
        this.accounting = new RunAccounting(budget, constantBytes);
        WorkerPool shared = this.options.pool();
        this.ownsPool = shared == null;
        this.parallel = shared == null ? new ThreadPoolParallel(this.options.threads()) : shared.parallel();
        this.executor = new Executor(this.options, parallel);
        this.plans = this.options.memoryPlan() ? new MemoryPlans(graph, executor) : null;
        List<ValueInfo> ins = new ArrayList<>();
        for (Value v : graph.inputs()) {
            if (!v.isConstant()) {
                ins.add(FeedBinding.infoOf(v));
            }
        }
        List<ValueInfo> outs = new ArrayList<>();
        for (Value v : graph.outputs()) {
            outs.add(FeedBinding.infoOf(v));
        }
        this.inputInfo = Collections.unmodifiableList(ins);
        this.outputInfo = Collections.unmodifiableList(outs);
        logKernels();
        try {
            if (SessionSetup.prepareAtOpen(graph, this.options, plans, executor, accounting, parallel, constantBytes)
                    && releasePending) {
                releasedBytes += SessionSetup.releasePackedConstants(graph);
            }
        } catch (Error e) {
            if (ownsPool) {
                parallel.close(); // e.g. out of memory while packing: do not leave the pool's threads behind
            }
            throw e;
        }
    }


    private long releasedBytes() {
        synchronized (lifecycle) {
            return releasedBytes;
        }
    }

    /** After a successful run: the first one that is alone in flight lets the ops release what they packed. */
    private void releaseAfterRun() {
        synchronized (lifecycle) {
            if (releasePending && inFlight == 1) {
                releasePending = false;
                releasedBytes += SessionSetup.releasePackedConstants(graph);
            }
        }
    }


    /** DEBUG: what this session will run on; one WARNING per JVM when the Vector API is missing. */
    private void logKernels() {
        var backend = dev.vinfer.conv.Kernels.backend();
        var whyScalar = dev.vinfer.conv.Kernels.simdUnavailableReason();
        if (whyScalar.isPresent() && !Boolean.getBoolean(dev.vinfer.conv.Kernels.SCALAR_PROPERTY)
                && WARNED_SCALAR.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "vinfer: using the scalar kernels: " + whyScalar.get());
        }
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "vinfer session: graph ''{0}'', {1} nodes, threads={2},"
                    + " optimize={3}, kernels={4}, conv algorithm={5}", graph.name(), graph.nodes().size(),
                    options.threads(), options.optimize(), backend.name(), options.convAlgorithm());
        }
    }


    /** Prefix of this session's worker thread names (for tests that check none is left after close). */
    String workerThreadPrefix() {
        return parallel.threadNamePrefix();
    }

    /**
     * The most bytes the last finished run held at once, as counted against {@link Limits#maxMemoryBytes()}:
     * the constants, the memory arena if the run used one, and the tensors it allocated fresh while they were live.
     * 0 before the first run.
     */
    public long lastRunPeakBytes() {
        return accounting.lastPeak();
    }

    /** The graph this session runs (after optimization). */
    public Graph graph() {
        return graph;
    }

    /** The options this session was opened with (its own copy; changing it has no effect). */
    public SessionOptions options() {
        return options.clone();
    }

    /** Inputs the caller must feed, in model order. */
    public List<ValueInfo> inputs() {
        return inputInfo;
    }

    /** Outputs, in model order. */
    public List<ValueInfo> outputs() {
        return outputInfo;
    }

    /**
     * Runs the model once. Safe to call from several threads at once; each run gets its own activation memory and
     * all runs share the session's worker threads. The inputs are only read, never kept or changed; the outputs are
     * fresh tensors that belong to the caller.
     *
     * @param inputs one tensor per declared input ({@link #inputs()}), by name, with the declared dtype and a shape
     *     that matches every fixed dim
     * @return every output by name, in model order
     * @throws InputException naming the input if one is missing, unknown, of another dtype or shape
     * @throws ExecutionException naming the node and op if a node fails (e.g. a data-dependent shape that is invalid
     *     or over the session's {@link Limits})
     * @throws IllegalStateException if the session is closed
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        return run(inputs, null);
    }

    /** Runs the model and reports each node's time to {@code profiler} (for {@code vinfer profile}). */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Consumer<NodeTiming> profiler) {
        enter();
        try {
            Tensor[] feed = FeedBinding.inputs(graph, inputInfo, inputs);
            Executor.NodeListener listener = profiler == null ? null
                    : (node, in, out, nanos) -> profiler.accept(new NodeTiming(node, in, out, nanos));
            Tensor[] out = plans != null ? plans.run(feed, listener, accounting)
                    : accounting.runFresh(executor, graph, feed, listener);
            Map<String, Tensor> result = new LinkedHashMap<>(2 * out.length);
            for (int i = 0; i < out.length; i++) {
                result.put(graph.outputs().get(i).name(), out[i]);
            }
            if (releasePending) {
                releaseAfterRun();
            }
            return result;
        } finally {
            exit();
        }
    }

    /**
     * Runs the model once, computing each output named in {@code outputs} straight into the caller's tensor (which
     * must have the output's dtype and shape, and must not overlap an input); outputs not named are computed but not
     * returned. With a memory plan, a steady-state run this way allocates (almost) nothing, results included: for
     * loops that reuse their output tensors. Thread-safe as {@link #run(Map)}, with one set of output tensors per
     * concurrent call.
     *
     * @throws InputException naming the input or output if one is missing, unknown, or of another dtype or shape
     * @throws ExecutionException as {@link #run(Map)}
     */
    public void runInto(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
        enter();
        try {
            Tensor[] feed = FeedBinding.inputs(graph, inputInfo, inputs);
            Tensor[] dest = FeedBinding.outputs(graph, outputInfo, outputs);
            Tensor[] out;
            Executor.DESTINATIONS.set(dest);
            try {
                out = plans != null ? plans.run(feed, null, accounting) : accounting.runFresh(executor, graph, feed,
                        null);
            } finally {
                Executor.DESTINATIONS.set(null);
            }
            for (int i = 0; i < dest.length; i++) {
                if (dest[i] != null && out[i] != dest[i]) {
                    // A view, an input or constant passed through, or a plan that ran fresh: copied once.
                    if (out[i].dtype() != dest[i].dtype() || !java.util.Arrays.equals(out[i].shape(),
                            dest[i].shape())) {
                        throw new InputException("output '" + graph.outputs().get(i).name() + "' is "
                                + out[i].dtype().displayName() + Shapes.toString(out[i].shape())
                                + ", the tensor given for it " + dest[i].dtype().displayName()
                                + Shapes.toString(dest[i].shape()));
                    }
                    dest[i].copyFrom(out[i]);
                }
            }
            if (releasePending) {
                releaseAfterRun();
            }
        } finally {
            exit();
        }
    }

    private void enter() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("session is closed");
            }
            inFlight++;
        }
        runningHere.get()[0]++;
    }

    private void exit() {
        boolean shutPool;
        runningHere.get()[0]--;
        synchronized (lifecycle) {
            inFlight--;
            shutPool = closed && inFlight == 0 && !poolClosed;
            poolClosed |= shutPool;
            lifecycle.notifyAll();
        }
        if (shutPool && ownsPool) {
            parallel.close();
        }
    }

    /**
     * Runs a model with one input and returns its first output: shorthand for {@link #run(Map)} with the single
     * declared input name, with the same thread-safety, ownership and exceptions.
     *
     * @throws InputException if the model does not have exactly one input, or {@code input} does not fit it
     */
    public Tensor run(Tensor input) {
        if (inputInfo.size() != 1) {
            throw new InputException("run(Tensor) needs a model with exactly one input; this one has "
                    + inputInfo.size() + ": " + inputInfo);
        }
        return run(Map.of(inputInfo.get(0).name(), input)).values().iterator().next();
    }

    /**
     * What this session holds: constant bytes (weights as stored in the graph, less those released once packed;
     * operators keep packed copies besides), activation arenas made so far (one per concurrent run per input-shape
     * signature) and, for the most recent plan, one arena's bytes against what its planned outputs would take if
     * each were allocated.
     */
    public MemoryStats memoryStats() {
        java.util.Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long constants = 0;
        for (Value v : graph.values()) {
            if (v.isConstant() && seen.add(v.constant().data())) {
                constants += (long) java.lang.reflect.Array.getLength(v.constant().data())
                        * v.constant().dtype().byteSize();
            }
        }
        if (plans == null) {
            return new MemoryStats(constants, 0, 0, 0, 0, 0, releasedBytes());
        }
        long[] last = plans.lastPlanBytes();
        return new MemoryStats(constants, plans.arenaBytes(), plans.arenaCount(), plans.planCount(), last[0],
                last[1], releasedBytes());
    }

    /**
     * Memory a session holds.
     *
     * @param constantBytes      weights and other constants of the graph
     * @param arenaBytes         all activation arenas made so far
     * @param arenas             how many arenas (concurrent runs times input-shape signatures)
     * @param plans              input-shape signatures planned
     * @param planArenaBytes     one arena of the latest plan
     * @param planUnpackedBytes  what the latest plan's outputs would take each in its own array
     * @param releasedConstantBytes constants released once packed (not in {@code constantBytes}; their operators
     *                           hold packed copies)
     */
    public record MemoryStats(long constantBytes, long arenaBytes, int arenas, int plans, long planArenaBytes,
            long planUnpackedBytes, long releasedConstantBytes) {
    }

    /**
     * The memory plans this session has made, as text: where each planned node output lives in the reused arena and
     * for which nodes it is live (the pipeline's "plan" stage; {@code vinfer graph MODEL --stage plan} prints it). A
     * session whose inputs have static shapes plans when it opens; otherwise each new input-shape signature is
     * planned by its first run. Empty when there is no plan yet, or when planning is off
     * ({@link SessionOptions#memoryPlan(boolean)}).
     */
    public String describeMemoryPlans() {
        return plans == null ? "" : plans.describe();
    }

    /** Whether {@link #close()} has been called; a closed session refuses new runs. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the session: runs that start afterwards throw {@link IllegalStateException}; runs already under way on
     * other threads finish normally (with correct results), and close() waits for them, then stops the session's
     * worker threads (waiting until each has exited) and returns. Called from inside a run of this session (e.g. a
     * profiler callback), it does not wait for that run: the threads stop when it ends. Closing again does nothing.
     */
    @Override
    public void close() {
        boolean shutPool;
        boolean interrupted = false;
        synchronized (lifecycle) {
            closed = true;
            int mine = runningHere.get()[0];
            while (inFlight > mine) {
                try {
                    lifecycle.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // finish closing (runs always end); keep the interrupt for the caller
                }
            }
            shutPool = inFlight == 0 && !poolClosed;
            poolClosed |= shutPool;
        }
        if (shutPool && ownsPool) {
            parallel.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One node's time in a profiled run. */
    public record NodeTiming(Node node, Tensor[] inputs, Tensor[] outputs, long nanos) {
    }
}
