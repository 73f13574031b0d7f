package dev.vinfer.runtime;

/**
 * Bounds on what a model may make vinfer allocate or walk, checked before the allocation happens.
 *
 * @param maxTensorElements   elements in any one tensor
 * @param maxModelBytes       bytes of the model file and its weights together
 * @param maxRank             rank of any tensor
 * @param maxNodes            nodes in a graph, subgraphs included
 * @param maxSubgraphDepth    nesting of If/Loop bodies
 * @param maxExternalDataBytes bytes read from external data files
 */
public record Limits(long maxTensorElements, long maxModelBytes, int maxRank, int maxNodes, int maxSubgraphDepth,
        long maxExternalDataBytes) {

    /** Generous defaults that still stop a hostile model from exhausting the heap. */
    public static Limits defaults() {
        return new Limits(1L << 30, 8L << 30, 16, 1_000_000, 64, 64L << 30);
    }

    /** True if {@code shape} is within the limits (the allocation-free check of the common case). */
    public boolean fits(int[] shape) {
        if (shape.length > maxRank) {
            return false;
        }
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                return false;
            }
            n *= d;
            if (n > maxTensorElements) {
                return false;
            }
        }
        return true;
    }

    /** Throws naming {@code what} if {@code shape} exceeds the element or rank limit. */
    public void checkShape(String what, int[] shape) {
        if (shape.length > maxRank) {
            throw new VinferException(what + ": rank " + shape.length + " exceeds the limit " + maxRank);
        }
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new VinferException(what + ": negative dimension in " + Shapes.toString(shape));
            }
            n *= d;
            if (n > maxTensorElements) {
                throw new VinferException(what + ": " + Shapes.toString(shape) + " has more than "
                        + maxTensorElements + " elements (limit)");
            }
        }
    }
}
