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

    public String name() {
        return name;
    }

    public int id() {
        return id;
    }

    /** The constant tensor, or null when this value is computed or fed at run time. */
    public Tensor constant() {
        return constant;
    }

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

    public void setInfo(ValueInfo info) {
        this.info = info;
    }

    @Override
    public String toString() {
        return name;
    }
}
