package dev.vinfer.runtime;

import java.util.Arrays;

/** One step of a {@link Graph}: an operator applied to input values, producing output values. */
public final class Node {
    private final String name;
    private final String domain;
    private final Operator op;
    private final Value[] inputs;
    private final Value[] outputs;

    /**
     * @param name    the node's name (unique within its graph; the importer invents one when the model has none)
     * @param domain  the op's domain as written in the model ("" for the default ONNX domain)
     * @param op      the operator
     * @param inputs  input values, with null for a missing optional input
     * @param outputs output values, with null for an output nobody asked for
     */
    public Node(String name, String domain, Operator op, Value[] inputs, Value[] outputs) {
        this.name = name;
        this.domain = domain;
        this.op = op;
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
    }

    /** The node's name, unique within its graph. */
    public String name() {
        return name;
    }

    /** The op's domain as written in the model ({@code ""} for the default ONNX domain). */
    public String domain() {
        return domain;
    }

    /** The operator this node runs. */
    public Operator op() {
        return op;
    }

    /** The input values in operator order, null for a missing optional input (a copy). */
    public Value[] inputs() {
        return inputs.clone();
    }

    /** Input {@code i}, or null when it is absent or past the last one given. */
    public Value input(int i) {
        return i < inputs.length ? inputs[i] : null;
    }

    /** The number of input slots, absent optional ones included. */
    public int inputCount() {
        return inputs.length;
    }

    /** The output values in operator order, null for an output nobody asked for (a copy). */
    public Value[] outputs() {
        return outputs.clone();
    }

    /** Output {@code i}, possibly null (see {@link #outputs()}). */
    public Value output(int i) {
        return outputs[i];
    }

    /** The number of output slots. */
    public int outputCount() {
        return outputs.length;
    }

    /** A copy of this node with another operator (used by optimization passes). */
    public Node withOp(Operator newOp) {
        return new Node(name, domain, newOp, inputs, outputs);
    }

    /** A copy with other inputs and outputs. */
    public Node with(Operator newOp, Value[] newInputs, Value[] newOutputs) {
        return new Node(name, domain, newOp, newInputs, newOutputs);
    }

    /** A label naming the node and op for messages, e.g. {@code node 'conv1' (Conv)}. */
    public String label() {
        return "node '" + name + "' (" + op.opType() + ")";
    }

    @Override
    public String toString() {
        String d = op.describe();
        return name + " = " + op.opType() + (d.isEmpty() ? "" : " [" + d + "]") + Arrays.toString(inputs) + " -> "
                + Arrays.toString(outputs);
    }
}
