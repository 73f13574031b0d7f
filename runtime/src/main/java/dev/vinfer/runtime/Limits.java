package dev.vinfer.runtime;

/**
 * Bounds on what a model may make vinfer allocate or walk, checked before the allocation happens.
 *
 * @param maxTensorElements    elements in any one tensor
 * @param maxModelBytes        bytes of the model file itself
 * @param maxRank              rank of any tensor
 * @param maxNodes             nodes in a graph, subgraphs included
 * @param maxSubgraphDepth     nesting of If/Loop bodies
 * @param maxExternalDataBytes bytes read from external data files
 * @param maxMemoryBytes       bytes a session may hold at once: its constants (weights, folded values) plus the
 *                             tensors one run has live. A run that would pass it fails before allocating; so
 *                             does a load whose weights alone pass it. Concurrent runs each get this budget
 *                             (less the constants), so size the heap for the runs you allow at once.
 * @param maxLoopIterations    iterations of one Loop node in one run (a trip count read from data could
 *                             otherwise keep a run going for hours)
 */
public record Limits(long maxTensorElements, long maxModelBytes, int maxRank, int maxNodes, int maxSubgraphDepth,
        long maxExternalDataBytes, long maxMemoryBytes, long maxLoopIterations) {

    /**
     * Checks that no limit is negative (0 is allowed and forbids the resource, e.g. {@code maxExternalDataBytes = 0}
     * refuses external data).
     *
     * @throws IllegalArgumentException if a limit is negative
     */
    public Limits {
        if (maxTensorElements < 0 || maxModelBytes < 0 || maxRank < 0 || maxNodes < 0 || maxSubgraphDepth < 0
                || maxExternalDataBytes < 0 || maxMemoryBytes < 0 || maxLoopIterations < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    /** The first six limits; the memory budget and the Loop bound take their defaults. */
    public Limits(long maxTensorElements, long maxModelBytes, int maxRank, int maxNodes, int maxSubgraphDepth,
            long maxExternalDataBytes) {
        this(maxTensorElements, maxModelBytes, maxRank, maxNodes, maxSubgraphDepth, maxExternalDataBytes,
                defaultMemoryBytes(), DEFAULT_LOOP_ITERATIONS);
    }

    private static final long DEFAULT_LOOP_ITERATIONS = 1_000_000;

    /**
     * Generous defaults that still stop a hostile model from exhausting the heap or running forever: 2^30 elements
     * per tensor, 2 GiB model file (protobuf's own limit), rank 16, a million nodes, subgraphs 64 deep, 64 GiB of
     * external data, a memory budget equal to the JVM's maximum heap, a million iterations per Loop.
     */
    public static Limits defaults() {
        return new Limits(1L << 30, Integer.MAX_VALUE, 16, 1_000_000, 64, 64L << 30, defaultMemoryBytes(),
                DEFAULT_LOOP_ITERATIONS);
    }

    /** The same limits with another memory budget. */
    public Limits withMaxMemoryBytes(long bytes) {
        return new Limits(maxTensorElements, maxModelBytes, maxRank, maxNodes, maxSubgraphDepth, maxExternalDataBytes,
                bytes, maxLoopIterations);
    }

    /** The same limits with another per-tensor element bound. */
    public Limits withMaxTensorElements(long elements) {
        return new Limits(elements, maxModelBytes, maxRank, maxNodes, maxSubgraphDepth, maxExternalDataBytes,
                maxMemoryBytes, maxLoopIterations);
    }

    /** The same limits with another node count bound. */
    public Limits withMaxNodes(int nodes) {
        return new Limits(maxTensorElements, maxModelBytes, maxRank, nodes, maxSubgraphDepth, maxExternalDataBytes,
                maxMemoryBytes, maxLoopIterations);
    }

    /** The same limits with another subgraph nesting bound. */
    public Limits withMaxSubgraphDepth(int depth) {
        return new Limits(maxTensorElements, maxModelBytes, maxRank, maxNodes, depth, maxExternalDataBytes,
                maxMemoryBytes, maxLoopIterations);
    }

    /** The same limits with another external-data bound. */
    public Limits withMaxExternalDataBytes(long bytes) {
        return new Limits(maxTensorElements, maxModelBytes, maxRank, maxNodes, maxSubgraphDepth, bytes,
                maxMemoryBytes, maxLoopIterations);
    }

    /** The same limits with another Loop iteration bound. */
    public Limits withMaxLoopIterations(long iterations) {
        return new Limits(maxTensorElements, maxModelBytes, maxRank, maxNodes, maxSubgraphDepth, maxExternalDataBytes,
                maxMemoryBytes, iterations);
    }

    /** The JVM's maximum heap: a model cannot plan to hold more than that, whatever else runs beside it. */
    static long defaultMemoryBytes() {
        long max = Runtime.getRuntime().maxMemory();
        return max == Long.MAX_VALUE || max <= 0 ? 1L << 40 : max;
    }

    /** True if {@code shape} is within the limits (the allocation-free check of the common case). */
    public boolean fits(int[] shape) {
        if (shape.length > maxRank) {
            return false;
        }
        long bound = Math.min(maxTensorElements, Shapes.MAX_ELEMENTS);
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                return false;
            }
            if (n > 0) {
                n *= d; // n <= bound < 2^31 here, so no overflow
                if (n > bound) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Throws naming {@code what} if {@code shape} has a negative dimension or exceeds the rank or element limit
     * (or what one Java array can hold). The product is formed so that it cannot overflow.
     */
    public void checkShape(String what, int[] shape) {
        if (shape.length > maxRank) {
            throw new VinferException(what + ": rank " + shape.length + " exceeds the limit " + maxRank);
        }
        long bound = Math.min(maxTensorElements, Shapes.MAX_ELEMENTS);
        long n = 1;
        boolean empty = false;
        for (int d : shape) {
            if (d < 0) {
                throw new VinferException(what + ": negative dimension in " + Shapes.toString(shape));
            }
            empty |= d == 0;
        }
        if (empty) {
            return;
        }
        for (int d : shape) {
            // n <= bound < 2^31 and d < 2^31, so the product fits a long.
            n *= d;
            if (n > bound) {
                throw new VinferException(what + ": " + Shapes.toString(shape) + " has more than " + bound
                        + " elements (" + (bound == maxTensorElements ? "limit maxTensorElements"
                                : "what one Java array holds") + ")");
            }
        }
    }

    /** Bytes a tensor of {@code elements} elements of {@code dtype} takes (never overflows for checked shapes). */
    public static long bytesOf(DType dtype, long elements) {
        return Math.multiplyExact(elements, (long) dtype.byteSize());
    }
}
