package dev.vinfer.onnx;

import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.OperatorSetIdProto;
import dev.vinfer.onnx.proto.OnnxIr.SparseTensorProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorShapeProto;
import dev.vinfer.onnx.proto.OnnxIr.TypeProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.MemoryBudget;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import dev.vinfer.runtime.ValueInfo;
import dev.vinfer.runtime.VinferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps an ONNX {@code ModelProto} onto a runtime {@link Graph}: initializers and Constant nodes become constants
 * (graph inputs that also have an initializer too, as IR 3 models write weights), each node goes through its
 * {@link OpMapper}, and If bodies become closed subgraphs that take the outer values they read as extra inputs.
 * Every unsupported op in the model (subgraphs included) is collected and reported at once.
 */
public final class OnnxImporter {
    private final OpRegistry registry;
    private final SessionOptions options;
    private final ExternalData external;
    private final Map<String, Integer> opsets = new HashMap<>();
    private final Set<String> unsupported = new LinkedHashSet<>();
    // Every weight decoded (initializers, Constant nodes, tensor attributes) counts against maxMemoryBytes.
    private final MemoryBudget weights;
    private int nodeCount;

    private OnnxImporter(OpRegistry registry, SessionOptions options, ExternalData external) {
        this.registry = registry;
        this.options = options;
        this.external = external;
        this.weights = MemoryBudget.of(options.limits());
    }

    /**
     * Imports a model. {@code external} resolves external tensor data (null when the model came from bytes with no
     * folder).
     */
    public static Graph importModel(ModelProto model, OpRegistry registry, SessionOptions options,
            ExternalData external) {
        OnnxImporter imp = new OnnxImporter(registry, options, external);
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            imp.opsets.put(OpRegistry.normalizeDomain(o.getDomain()), (int) o.getVersion());
        }
        if (model.getOpsetImportCount() == 0) {
            // IR version 1/2 models had no opset_import; they mean opset 1 of the default domain.
            imp.opsets.put("", 1);
        }
        if (!model.hasGraph()) {
            throw new ModelException("the model has no graph");
        }
        Graph g;
        try {
            DTypeCheck.check(model.getGraph());
            g = imp.importGraph(model.getGraph(), List.of(), 0);
        } catch (StackOverflowError e) {
            // Nesting is bounded by the parser and maxSubgraphDepth; this is the backstop for a small thread stack.
            throw new ModelException("the model's subgraphs are nested too deeply to import on this thread's stack");
        }
        if (!imp.unsupported.isEmpty()) {
            throw new UnsupportedOpException(new ArrayList<>(imp.unsupported));
        }
        return g;
    }

    private Graph importGraph(GraphProto gp, List<String> captures, int depth) {
        if (depth > options.limits().maxSubgraphDepth()) {
            throw new ModelException("subgraphs are nested more than " + options.limits().maxSubgraphDepth()
                    + " deep (limit)");
        }
        Graph.Builder b = new Graph.Builder(gp.getName());
        for (TensorProto init : gp.getInitializerList()) {
            if (init.getName().isEmpty()) {
                throw new ModelException("an initializer has no name");
            }
            defineConstant(b, init.getName(), decode(init), "initializer", Set.of());
        }
        for (SparseTensorProto sp : gp.getSparseInitializerList()) {
            defineConstant(b, sp.getValues().getName(), densify(sp), "sparse initializer", Set.of());
        }
        Set<String> inputNames = new HashSet<>();
        for (ValueInfoProto in : gp.getInputList()) {
            if (in.getName().isEmpty()) {
                throw new ModelException("graph '" + gp.getName() + "' has an input without a name");
            }
            if (!inputNames.add(in.getName())) {
                throw new ModelException("graph '" + gp.getName() + "' lists input '" + in.getName() + "' twice");
            }
            Value v = b.value(in.getName());
            v.setInfo(valueInfo(in));
            if (!v.isConstant()) {
                b.input(v);
            }
        }
        for (String c : captures) {
            if (b.has(c) && (b.find(c).isConstant() || inputNames.contains(c))) {
                continue; // shadowed by the subgraph's own input or initializer
            }
            b.input(b.value(c));
            inputNames.add(c);
        }
        int index = 0;
        for (NodeProto np : gp.getNodeList()) {
            index++;
            nodeCount++;
            if (nodeCount > options.limits().maxNodes()) {
                throw new ModelException("the model has more than " + options.limits().maxNodes() + " nodes (limit)");
            }
            String nodeName = np.getName().isEmpty() ? np.getOpType() + "_" + index : np.getName();
            importNode(b, np, nodeName, depth, inputNames);
        }
        if (!unsupported.isEmpty()) {
            return null; // the whole model is being rejected; keep walking only to list every unsupported op
        }
        Set<String> outputNames = new HashSet<>();
        for (ValueInfoProto out : gp.getOutputList()) {
            if (!outputNames.add(out.getName())) {
                throw new ModelException("graph '" + gp.getName() + "' lists output '" + out.getName() + "' twice");
            }
            Value v = b.find(out.getName());
            if (v == null) {
                throw new ModelException("graph output '" + out.getName() + "' is never computed");
            }
            if (v.info() == null) {
                v.setInfo(valueInfo(out));
            }
            b.output(v);
        }
        return b.build();
    }

    private void importNode(Graph.Builder b, NodeProto np, String nodeName, int depth, Set<String> graphInputs) {
        String domain = OpRegistry.normalizeDomain(np.getDomain());
        String op = np.getOpType();
        if (domain.isEmpty() && op.equals("Constant")) {
            if (np.getOutputCount() != 1 || np.getOutput(0).isEmpty()) {
                throw new ModelException("node '" + nodeName + "' (Constant) must have one named output");
            }
            defineConstant(b, np.getOutput(0), constantValue(np, nodeName), "node '" + nodeName + "' (Constant)",
                    graphInputs);
            return;
        }
        Integer opset = opsets.get(domain);
        if (opset == null) {
            throw new ModelException("node '" + nodeName + "' (" + op + ") uses domain '" + domain
                    + "', which the model does not import");
        }
        // Subgraphs first: their free names become extra inputs of this node.
        Map<String, Graph> subgraphs = new LinkedHashMap<>();
        LinkedHashSet<String> captured = new LinkedHashSet<>();
        for (AttributeProto a : np.getAttributeList()) {
            if (a.hasG()) {
                captured.addAll(freeNames(a.getG()));
            }
            for (GraphProto g : a.getGraphsList()) {
                captured.addAll(freeNames(g));
            }
        }
        List<String> captureList = new ArrayList<>(captured);
        for (AttributeProto a : np.getAttributeList()) {
            if (a.hasG()) {
                subgraphs.put(a.getName(), importGraph(a.getG(), captureList, depth + 1));
            }
        }
        int declared = np.getInputCount();
        Value[] inputs = new Value[declared + captureList.size()];
        for (int i = 0; i < declared; i++) {
            String n = np.getInput(i);
            inputs[i] = n.isEmpty() ? null : resolve(b, n, nodeName, op);
        }
        for (int i = 0; i < captureList.size(); i++) {
            inputs[declared + i] = resolve(b, captureList.get(i), nodeName, op);
        }
        Value[] outputs = new Value[np.getOutputCount()];
        for (int i = 0; i < outputs.length; i++) {
            String n = np.getOutput(i);
            outputs[i] = n.isEmpty() ? null : b.value(n);
        }
        OpRegistry.Entry entry = registry.find(domain, op);
        if (entry == null || opset < entry.minOpset() || opset > entry.maxOpset()) {
            unsupported.add((domain.isEmpty() ? "ai.onnx" : domain) + ":" + op + " (opset " + opset + ")");
            return;
        }
        if (!unsupported.isEmpty()) {
            return; // already rejecting the model: only collect further unsupported ops
        }
        OpArity.check(domain, op, opset, np, nodeName);
        OnnxNode view = new OnnxNode(np, nodeName, opset, inputs, declared, subgraphs, options, weights);
        Operator operator;
        try {
            operator = entry.mapper().map(view);
        } catch (UnsupportedFormException e) {
            unsupported.add((domain.isEmpty() ? "ai.onnx" : domain) + ":" + op + " (opset " + opset + "): "
                    + e.getMessage());
            return;
        } catch (ModelException e) {
            throw e.getMessage().startsWith("node '") ? e : view.error(e.getMessage());
        } catch (RuntimeException e) {
            throw view.error(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        b.node(new Node(nodeName, domain, operator, inputs, outputs));
    }

    /** A new constant; a name defined twice (two initializers, a Constant over a weight) is an invalid model. */
    private static void defineConstant(Graph.Builder b, String name, Tensor t, String definedBy,
            Set<String> graphInputs) {
        Value v = b.find(name);
        if (v != null && (v.isConstant() || graphInputs.contains(name))) {
            throw new ModelException(definedBy + " defines '" + name + "', which is already defined");
        }
        b.constant(name, t);
    }

    private Value resolve(Graph.Builder b, String name, String nodeName, String op) {
        Value v = b.find(name);
        if (v == null) {
            // Not defined yet: either produced by a later node (out-of-order graph) or never; build() decides.
            v = b.value(name);
        }
        return v;
    }

    /** Names a graph reads but does not define (inputs, initializers, node outputs), nested bodies included. */
    static Set<String> freeNames(GraphProto g) {
        Set<String> defined = new HashSet<>();
        for (ValueInfoProto in : g.getInputList()) {
            defined.add(in.getName());
        }
        for (TensorProto t : g.getInitializerList()) {
            defined.add(t.getName());
        }
        for (SparseTensorProto t : g.getSparseInitializerList()) {
            defined.add(t.getValues().getName());
        }
        for (NodeProto n : g.getNodeList()) {
            defined.addAll(n.getOutputList());
        }
        Set<String> free = new LinkedHashSet<>();
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    free.add(in);
                }
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    for (String f : freeNames(a.getG())) {
                        if (!defined.contains(f)) {
                            free.add(f);
                        }
                    }
                }
            }
        }
        for (ValueInfoProto out : g.getOutputList()) {
            if (!defined.contains(out.getName())) {
                free.add(out.getName());
            }
        }
        return free;
    }

    private Tensor decode(TensorProto t) {
        return TensorProtos.decode(t, options.limits(), external, weights);
    }

    private void reserve(String what, DType dtype, long elements) {
        try {
            weights.reserve(what, Limits.bytesOf(dtype, elements));
        } catch (VinferException e) {
            throw new ModelException(e.getMessage());
        }
    }

    private Tensor constantValue(NodeProto np, String nodeName) {
        String label = "node '" + nodeName + "' (Constant)";
        for (AttributeProto a : np.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return decode(a.getT());
                case "value_float":
                    return Tensor.scalar(a.getF());
                case "value_floats": {
                    reserve(label, DType.FLOAT32, a.getFloatsCount());
                    float[] f = new float[a.getFloatsCount()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = a.getFloats(i);
                    }
                    return Tensor.of(f, f.length);
                }
                case "value_int":
                    return Tensor.scalar(a.getI());
                case "value_ints": {
                    reserve(label, DType.INT64, a.getIntsCount());
                    long[] v = new long[a.getIntsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getInts(i);
                    }
                    return Tensor.of(v, v.length);
                }
                case "sparse_value":
                    return densify(a.getSparseTensor());
                case "value_string":
                case "value_strings":
                    throw new ModelException(label + ": string constants are not supported");
                default:
                    break;
            }
        }
        throw new ModelException(label + " has no value attribute");
    }

    /**
     * A dense tensor from a SparseTensorProto (values [NNZ]; indices [NNZ] linear or [NNZ, rank], int64). Every
     * index is checked against the dims; the dense tensor is counted against the weights budget before it is made,
     * since its size comes from the dims alone (a tiny sparse tensor can declare a huge dense one).
     */
    private Tensor densify(SparseTensorProto sp) {
        String what = "sparse tensor '" + sp.getValues().getName() + "'";
        int[] shape = TensorProtos.checkedShape(sp.getDimsList(), options.limits(), what);
        Tensor values = decode(sp.getValues());
        Tensor indices = decode(sp.getIndices());
        int nnz = values.size();
        int rank = shape.length;
        if (values.rank() != 1) {
            throw new ModelException(what + ": values must be rank 1, got " + values);
        }
        if (!indices.dtype().isInteger()) {
            throw new ModelException(what + ": indices must be integers, got " + indices);
        }
        boolean linear = indices.rank() == 1;
        boolean ok = linear ? indices.size() == nnz
                : indices.rank() == 2 && indices.dim(0) == nnz && indices.dim(1) == rank;
        if (!ok) {
            throw new ModelException(what + ": indices " + indices + " do not fit " + nnz + " values of rank " + rank);
        }
        reserve(what, values.dtype(), Shapes.size(shape));
        Tensor out = Tensor.zeros(values.dtype(), shape);
        int[] strides = Shapes.strides(shape);
        for (int k = 0; k < nnz; k++) {
            long pos = 0;
            if (linear) {
                pos = indices.getLong(k);
            } else {
                for (int d = 0; d < rank; d++) {
                    long c = indices.getLong(k * rank + d);
                    if (c < 0 || c >= shape[d]) {
                        throw new ModelException(what + ": index " + c + " out of range for dimension " + d + " of "
                                + Shapes.toString(shape));
                    }
                    pos += c * strides[d];
                }
            }
            if (pos < 0 || pos >= out.size()) {
                throw new ModelException(what + ": index " + pos + " out of range for " + Shapes.toString(shape));
            }
            out.setDouble((int) pos, values.getDouble(k));
        }
        return out;
    }

    /** Declared type of a value, as far as vinfer can represent it (null dtype for unsupported ones). */
    static ValueInfo valueInfo(ValueInfoProto vi) {
        TypeProto t = vi.getType();
        if (!t.hasTensorType()) {
            return new ValueInfo(vi.getName(), null, null, null);
        }
        TypeProto.Tensor tt = t.getTensorType();
        DType dtype = null;
        try {
            dtype = tt.hasElemType() && tt.getElemType() != 0 ? TensorProtos.dtypeOf(tt.getElemType(), vi.getName())
                    : null;
        } catch (ModelException e) {
            dtype = null;
        }
        if (!tt.hasShape()) {
            return new ValueInfo(vi.getName(), dtype, null, null);
        }
        TensorShapeProto s = tt.getShape();
        long[] dims = new long[s.getDimCount()];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = s.getDim(i);
            // Some exporters write 0 for an unknown dim; treat it as unknown rather than reject real inputs.
            dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
            names.add(d.hasDimParam() ? d.getDimParam() : null);
        }
        return new ValueInfo(vi.getName(), dtype, dims, java.util.Collections.unmodifiableList(names));
    }

    static String utf8(com.google.protobuf.ByteString s) {
        return s.toString(StandardCharsets.UTF_8);
    }
}
