package dev.vinfer.ops.reduce;

/**
 * Walks a tensor in row-major order and gives, for each element, the row-major index of the output element it
 * reduces into (reduced axes contribute nothing to that index). Keeps the walk allocation-free for any set of axes.
 * One cursor is used by one thread for one walk.
 */
final class ReductionCursor {
    private final int[] shape;
    private final int[] outStride;
    private final int[] position;
    private int outIndex;

    ReductionCursor(int[] inShape, boolean[] reduced) {
        this.shape = inShape;
        this.outStride = new int[inShape.length];
        this.position = new int[inShape.length];
        int stride = 1;
        for (int d = inShape.length - 1; d >= 0; d--) {
            if (!reduced[d]) {
                outStride[d] = stride;
                stride *= inShape[d];
            }
        }
    }

    /** The output index of the current element; then moves to the next element. */
    int next() {
        int current = outIndex;
        for (int d = shape.length - 1; d >= 0; d--) {
            position[d]++;
            outIndex += outStride[d];
            if (position[d] < shape[d]) {
                break;
            }
            outIndex -= outStride[d] * position[d];
            position[d] = 0;
        }
        return current;
    }
}
