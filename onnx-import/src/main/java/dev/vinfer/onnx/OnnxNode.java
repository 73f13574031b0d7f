package dev.vinfer.onnx;

import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.MemoryBudget;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The view of one ONNX node that an {@link OpMapper} gets: typed attribute getters with defaults, the opset
 * version in force, which inputs are present and which are constant, and imported subgraphs.
 */
public final class OnnxNode {
    private final NodeProto proto;
    private final String name;
    private final int opset;
    private final Value[] inputs;
    private final Map<String, AttributeProto> attributes = new HashMap<>();
    private final Map<String, Graph> subgraphs;
    private final SessionOptions options;
    private final int declaredInputs;
    private final MemoryBudget weights;

    OnnxNode(NodeProto proto, String name, int opset, Value[] inputs, int declaredInputs, Map<String, Graph> subgraphs,
            SessionOptions options, MemoryBudget weights) {
        this.weights = weights;
        this.proto = proto;
        this.name = name;
        this.opset = opset;
        this.inputs = inputs;
        this.declaredInputs = declaredInputs;
        this.subgraphs = subgraphs;
        this.options = options;
        for (AttributeProto a : proto.getAttributeList()) {
            attributes.put(a.getName(), a);
        }
    }

    public String name() {
        return name;
    }

    public String opType() {
        return proto.getOpType();
    }

    public String domain() {
        return OpRegistry.normalizeDomain(proto.getDomain());
    }

    /** The opset version of this node's domain that the model imports. */
    public int opset() {
        return opset;
    }

    public SessionOptions options() {
        return options;
    }

    public Limits limits() {
        return options.limits();
    }

    /** Inputs written in the model (trailing ones may be missing); captured subgraph inputs not counted. */
    public int inputCount() {
        return declaredInputs;
    }

    /** True when input {@code i} exists and is not the empty name (an omitted optional input). */
    public boolean hasInput(int i) {
        return i < declaredInputs && inputs[i] != null;
    }

    /** The constant tensor of input {@code i} (an initializer or Constant), or null if computed or absent. */
    public Tensor constantInput(int i) {
        return hasInput(i) ? inputs[i].constant() : null;
    }

    public int outputCount() {
        return proto.getOutputCount();
    }

    /** True when output {@code i} exists and has a name. */
    public boolean hasOutput(int i) {
        return i < proto.getOutputCount() && !proto.getOutput(i).isEmpty();
    }

    public boolean has(String attr) {
        return attributes.containsKey(attr);
    }

    /** All attribute names the node carries (to reject unknown ones, or report them). */
    public java.util.Set<String> attributeNames() {
        return attributes.keySet();
    }

    public long getInt(String attr, long dflt) {
        AttributeProto a = attributes.get(attr);
        return a == null ? dflt : a.getI();
    }

    public float getFloat(String attr, float dflt) {
        AttributeProto a = attributes.get(attr);
        return a == null ? dflt : a.getF();
    }

    public String getString(String attr, String dflt) {
        AttributeProto a = attributes.get(attr);
        return a == null ? dflt : a.getS().toString(StandardCharsets.UTF_8);
    }

    /** An ints attribute, or {@code dflt} (may be null) when absent. */
    public long[] getInts(String attr, long[] dflt) {
        AttributeProto a = attributes.get(attr);
        if (a == null) {
            return dflt;
        }
        long[] out = new long[a.getIntsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getInts(i);
        }
        return out;
    }

    /** An ints attribute as int[] (each checked to fit), or {@code dflt}. */
    public int[] getIntArray(String attr, int[] dflt) {
        long[] v = getInts(attr, null);
        if (v == null) {
            return dflt;
        }
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] > Integer.MAX_VALUE || v[i] < Integer.MIN_VALUE) {
                throw error("attribute '" + attr + "' value " + v[i] + " is out of range");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    public float[] getFloats(String attr, float[] dflt) {
        AttributeProto a = attributes.get(attr);
        if (a == null) {
            return dflt;
        }
        float[] out = new float[a.getFloatsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getFloats(i);
        }
        return out;
    }

    public String[] getStrings(String attr, String[] dflt) {
        AttributeProto a = attributes.get(attr);
        if (a == null) {
            return dflt;
        }
        String[] out = new String[a.getStringsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getStrings(i).toString(StandardCharsets.UTF_8);
        }
        return out;
    }

    /** A tensor attribute, decoded, or null. */
    public Tensor getTensor(String attr) {
        AttributeProto a = attributes.get(attr);
        return a == null || !a.hasT() ? null : TensorProtos.decode(a.getT(), options.limits(), null, weights);
    }

    /**
     * The imported subgraph of a graph attribute, or null. Its inputs are the body's own inputs followed by the
     * outer values it reads (the same list for every graph attribute of this node), which the importer appends to
     * this node's inputs.
     */
    public Graph getGraph(String attr) {
        return subgraphs.get(attr);
    }

    /** Number of inputs the importer appended for values the subgraphs read from outside. */
    public int capturedInputCount() {
        return inputs.length - declaredInputs;
    }

    /** An exception naming this node and op. */
    public ModelException error(String message) {
        return new ModelException("node '" + name + "' (" + opType() + "): " + message);
    }

    /** Throws unless the node's attribute {@code attr} is absent or equals {@code expected}. */
    public void requireIntAttr(String attr, long expected) {
        if (has(attr) && getInt(attr, expected) != expected) {
            throw new UnsupportedFormException(opType() + " with " + attr + "=" + getInt(attr, expected));
        }
    }

    /** Input names as written (for messages). */
    public List<String> inputNames() {
        return proto.getInputList();
    }
}
