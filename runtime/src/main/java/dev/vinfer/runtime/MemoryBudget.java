package dev.vinfer.runtime;

/**
 * A count of bytes held against a limit, checked before each allocation. The importer keeps one for the weights
 * it decodes; each run keeps one (inside {@link RunMemory}) for the tensors it has live. Thread-safe.
 */
public final class MemoryBudget {
    private final long limit;
    private final String limitName;
    private long used;
    private long peak;

    /**
     * @param limit     bytes that may be held at once
     * @param limitName how messages name the limit, e.g. {@code maxMemoryBytes}
     * @param used      bytes already held when counting starts (e.g. the session's constants)
     */
    public MemoryBudget(long limit, String limitName, long used) {
        this.limit = limit;
        this.limitName = limitName;
        this.used = used;
        this.peak = used;
    }

    /** A budget of {@link Limits#maxMemoryBytes()} with nothing held yet. */
    public static MemoryBudget of(Limits limits) {
        return new MemoryBudget(limits.maxMemoryBytes(), "maxMemoryBytes", 0);
    }

    /** Counts {@code bytes} as held, or throws naming {@code what} if that would pass the limit. */
    public synchronized void reserve(String what, long bytes) {
        if (bytes < 0 || bytes > limit - used) {
            throw new VinferException(what + ": " + bytes + " more bytes would pass the memory limit (" + limitName
                    + " = " + limit + ", " + used + " already held)");
        }
        used += bytes;
        peak = Math.max(peak, used);
    }

    /** Counts {@code bytes} as held if that stays within the limit; false (and nothing counted) otherwise. */
    public synchronized boolean tryReserve(long bytes) {
        if (bytes < 0 || bytes > limit - used) {
            return false;
        }
        used += bytes;
        peak = Math.max(peak, used);
        return true;
    }

    /** Starts over with {@code used} bytes held (a reused per-run count). */
    synchronized void reset(long used) {
        this.used = used;
        this.peak = used;
    }

    /** Gives back bytes counted by {@link #reserve}. */
    public synchronized void release(long bytes) {
        used -= bytes;
    }

    /** Bytes held now. */
    public synchronized long used() {
        return used;
    }

    /** The most held at once since counting started. */
    public synchronized long peak() {
        return peak;
    }

    /** Bytes that may be held at once. */
    public long limit() {
        return limit;
    }
}
