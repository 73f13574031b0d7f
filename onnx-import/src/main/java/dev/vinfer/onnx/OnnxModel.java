package dev.vinfer.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.OperatorSetIdProto;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.SessionOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The "load" stage of the pipeline: a parsed ONNX model and the folder it came from (for external data).
 * {@link #toGraph} is the "import" stage.
 */
public final class OnnxModel {
    /** Protobuf nesting limit; deeper messages (e.g. If bodies nested hundreds deep) are rejected while parsing. */
    private static final int RECURSION_LIMIT = 200;

    private final ModelProto proto;
    private final Path folder;

    private OnnxModel(ModelProto proto, Path folder) {
        this.proto = proto;
        this.folder = folder;
    }

    /** Reads a model file; external data is looked up next to it. */
    public static OnnxModel load(Path file) {
        return load(file, Limits.defaults());
    }

    public static OnnxModel load(Path file, Limits limits) {
        try {
            long size = Files.size(file);
            if (size > limits.maxModelBytes() || size > Integer.MAX_VALUE - 16) {
                throw new ModelException("model file '" + file + "' is " + size + " bytes, over the limit");
            }
            try (InputStream in = Files.newInputStream(file)) {
                Path parent = file.toAbsolutePath().getParent();
                return new OnnxModel(parse(in, file.toString()), parent);
            }
        } catch (NoSuchFileException e) {
            throw new ModelException("model file not found: " + file);
        } catch (IOException e) {
            throw new ModelException("cannot read model file '" + file + "': " + e.getMessage(), e);
        }
    }

    /** Parses model bytes; external data, if any, is resolved against {@code folder} (may be null: then refused). */
    public static OnnxModel fromBytes(byte[] bytes, Path folder) {
        try {
            CodedInputStream cis = CodedInputStream.newInstance(bytes);
            cis.setRecursionLimit(RECURSION_LIMIT);
            return new OnnxModel(check(ModelProto.parseFrom(cis), "model bytes"), folder);
        } catch (IOException e) {
            throw new ModelException("not a valid ONNX model: " + e.getMessage(), e);
        }
    }

    /** Reads a model from a stream (which is not closed). */
    public static OnnxModel fromStream(InputStream in, Path folder) {
        try {
            return new OnnxModel(parse(in, "model stream"), folder);
        } catch (IOException e) {
            throw new ModelException("cannot read model: " + e.getMessage(), e);
        }
    }

    private static ModelProto parse(InputStream in, String what) throws IOException {
        CodedInputStream cis = CodedInputStream.newInstance(in);
        cis.setRecursionLimit(RECURSION_LIMIT);
        cis.setSizeLimit(Integer.MAX_VALUE);
        try {
            return check(ModelProto.parseFrom(cis), what);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(what + " is not a valid ONNX model: " + e.getMessage(), e);
        }
    }

    private static ModelProto check(ModelProto m, String what) {
        if (!m.hasGraph()) {
            throw new ModelException(what + " is not an ONNX model (it has no graph)");
        }
        return m;
    }

    public ModelProto proto() {
        return proto;
    }

    /** The folder external data is read from, or null. */
    public Path folder() {
        return folder;
    }

    /** Opset version per domain ("" is the default ONNX domain). */
    public Map<String, Integer> opsets() {
        Map<String, Integer> m = new TreeMap<>();
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            m.put(OpRegistry.normalizeDomain(o.getDomain()), (int) o.getVersion());
        }
        return m;
    }

    /** The import stage: maps the model onto a runtime graph with vinfer's standard op set. */
    public Graph toGraph(SessionOptions options) {
        return toGraph(options, OpRegistry.standard());
    }

    public Graph toGraph(SessionOptions options, OpRegistry registry) {
        ExternalData ext = folder == null ? null : new ExternalData(folder, options.limits().maxExternalDataBytes());
        return OnnxImporter.importModel(proto, registry, options, ext);
    }

    /** Counts of each op type in the main graph and subgraphs, for {@code vinfer info}. */
    public Map<String, Integer> opHistogram() {
        Map<String, Integer> h = new TreeMap<>();
        count(proto.getGraph(), h);
        return h;
    }

    private static void count(dev.vinfer.onnx.proto.OnnxIr.GraphProto g, Map<String, Integer> h) {
        for (NodeProto n : g.getNodeList()) {
            String d = OpRegistry.normalizeDomain(n.getDomain());
            h.merge(d.isEmpty() ? n.getOpType() : d + ":" + n.getOpType(), 1, Integer::sum);
            for (var a : n.getAttributeList()) {
                if (a.hasG()) {
                    count(a.getG(), h);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "ONNX model: IR " + proto.getIrVersion() + ", opsets " + opsets() + ", producer '"
                + proto.getProducerName() + " " + proto.getProducerVersion() + "', " + proto.getGraph().getNodeCount()
                + " nodes, " + proto.getGraph().getInitializerCount() + " initializers";
    }
}
