package dev.vinfer.runtime;

/**
 * A named edge of a {@link Graph}: a graph input, a constant, or a node output. Each value has a dense id
 * within its graph so the executor can keep run-time tensors in an array.
 */
public final class Value {
    private final String name;
    private final int id;
    private Tensor constant;
    private ValueInfo info;

    Value(String name, int id) {
        this.name = name;
        this.id = id;
    }

    /** The name, unique within its graph (the ONNX value name). */
    public String name() {
        return name;
    }

    /** The dense index of this value in its graph ({@code 0 <= id < graph.valueCount()}). */
    public int id() {
        return id;
    }

    /** The constant tensor, or null when this value is computed or fed at run time. */
    public Tensor constant() {
        return constant;
    }

    /** Whether the value is a constant (a weight or a folded result) rather than computed or fed at run time. */
    public boolean isConstant() {
        return constant != null;
    }

    void setConstant(Tensor t) {
        this.constant = t;
    }

    /** Declared type and shape, if the model gives one. */
    public ValueInfo info() {
        return info;
    }

    /**
     * Records the declared or inferred type and shape (by the importer and by shape-inference passes, while the graph
     * is built; not after a session has opened it).
     */
    public void setInfo(ValueInfo info) {
        this.info = info;
    }

    @Override
    public String toString() {
        return name;
    }
}
