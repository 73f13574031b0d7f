package dev.vinfer.runtime;

/**
 * Where one run of the {@link Executor} gets its memory: the array of live tensors, the per-node input arrays and
 * the node outputs ({@link OpContext#output}). {@link #FRESH} allocates everything anew; a recording
 * ({@link RunRecording}) also notes what was allocated; an {@link Arena} hands out planned slices of reused storage.
 */
interface RunMemory {

    /** An array of {@code valueCount} entries, all null. */
    Tensor[] env(int valueCount);

    /** An array of {@code count} entries for the inputs of node {@code node}, overwritten before use. */
    Tensor[] inputs(int node, int count);

    /** Output {@code index} of node {@code node} (the shape array must not be kept or changed). */
    Tensor output(int node, int index, DType dtype, int[] shape);

    /** A one-element array for node {@code node} to return its single output in ({@link OpContext#result}). */
    Tensor[] results(int node);

    /** Called after node {@code node} returned its outputs (before they are stored). */
    void nodeFinished(int node, Node n, Tensor[] outputs);

    /** Allocates everything, remembers nothing. */
    RunMemory FRESH = new RunMemory() {
        @Override
        public Tensor[] env(int valueCount) {
            return new Tensor[valueCount];
        }

        @Override
        public Tensor[] inputs(int node, int count) {
            return new Tensor[count];
        }

        @Override
        public Tensor output(int node, int index, DType dtype, int[] shape) {
            return Tensor.zeros(dtype, shape);
        }

        @Override
        public Tensor[] results(int node) {
            return new Tensor[1];
        }

        @Override
        public void nodeFinished(int node, Node n, Tensor[] outputs) {
        }
    };
}
