package dev.vinfer.runtime;

/**
 * How a session is opened. Fluent setters return {@code this}; a session keeps its own copy, so changing an
 * options object later does not affect sessions already open.
 *
 * <pre>{@code
 * SessionOptions opts = new SessionOptions().threads(2).optimize(false).convAlgorithm("im2col");
 * }</pre>
 *
 * <p>A plain mutable object, not thread-safe: configure it on one thread, then open sessions with it.
 */
public final class SessionOptions implements Cloneable {
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private boolean optimize = true;
    private boolean memoryPlan = true;
    private String convAlgorithm = "auto";
    private Limits limits = Limits.defaults();
    private WorkerPool pool;

    /** Intra-op threads the session may use (default: available processors). */
    public SessionOptions threads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        this.threads = n;
        return this;
    }

    /** Intra-op threads a session opened with these options uses (at least 1; a shared {@link #pool}'s count). */
    public int threads() {
        return pool != null ? pool.threads() : threads;
    }

    /**
     * Runs the session's kernels on {@code p}, a pool the caller started ({@link WorkerPool#start}) and may share
     * between sessions, instead of threads of the session's own; {@code null} (the default) gives each session its
     * own. The pool's thread count is then the session's ({@link #threads()}). A session does not close a shared
     * pool: close it after the sessions that use it. Sessions on one pool run one parallel step at a time; a step
     * issued while another session's is running runs on its own calling thread, so results never depend on it.
     * After the pool is closed, sessions on it run on their calling threads.
     */
    public SessionOptions pool(WorkerPool p) {
        this.pool = p;
        return this;
    }

    /** The shared pool sessions opened with these options run on, or null for a pool of their own. */
    public WorkerPool pool() {
        return pool;
    }

    /** Run the graph optimization passes at open (default true). */
    public SessionOptions optimize(boolean on) {
        this.optimize = on;
        return this;
    }

    /** Whether the optimization passes run at open. */
    public boolean optimize() {
        return optimize;
    }

    /**
     * Plan activation memory (default true): after the first run of each input-shape signature, runs take node
     * outputs from a reused arena laid out by liveness instead of allocating them. Graph outputs are always fresh.
     */
    public SessionOptions memoryPlan(boolean on) {
        this.memoryPlan = on;
        return this;
    }

    /** Whether activation memory is planned and reused across runs. */
    public boolean memoryPlan() {
        return memoryPlan;
    }

    /**
     * Forces one convolution algorithm for every convolution it applies to (names are those of the conv library's
     * algorithm enum, case-insensitive, e.g. {@code direct}, {@code im2col}); {@code auto} lets vinfer choose.
     */
    public SessionOptions convAlgorithm(String name) {
        this.convAlgorithm = name == null ? "auto" : name;
        return this;
    }

    /** The forced convolution algorithm name, or {@code auto} (the default). */
    public String convAlgorithm() {
        return convAlgorithm;
    }

    /**
     * Size limits checked while loading and running: a model that would pass them fails with a
     * {@link ModelException} (at load) or an {@link ExecutionException} (at run) before allocating.
     */
    public SessionOptions limits(Limits l) {
        this.limits = l;
        return this;
    }

    /** The limits checked while loading and running (default {@link Limits#defaults()}). */
    public Limits limits() {
        return limits;
    }

    @Override
    public SessionOptions clone() {
        try {
            return (SessionOptions) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public String toString() {
        return "threads=" + threads() + (pool != null ? " (shared pool)" : "") + " optimize=" + optimize
                + " memoryPlan=" + memoryPlan + " convAlgorithm=" + convAlgorithm + " " + limits;
    }
}
