package dev.vinfer.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.OperatorSetIdProto;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.SessionOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The "load" stage of the pipeline: a parsed ONNX model and the folder it came from (for external data).
 * {@link #toGraph} is the "import" stage.
 *
 * <p>Immutable and thread-safe once loaded: the same model may be imported or opened any number of times, from any
 * thread. Loading checks the file against {@link Limits} before and while parsing; a file that is not a valid
 * model throws {@link dev.vinfer.runtime.ModelException}.
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

    /**
     * Reads and parses a model file within {@code limits} (file size, nesting); external data is looked up next to it
     * when the graph is imported.
     *
     * @throws dev.vinfer.runtime.ModelException if the file is missing, unreadable, larger than {@link
     *     Limits#maxModelBytes()} or not an ONNX model
     */
    public static OnnxModel load(Path file, Limits limits) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new ModelException(Files.exists(file) ? "model file '" + file + "' is not a regular file"
                        : "model file not found: " + file);
            }
            long size = Files.size(file);
            checkSize(size, limits, "model file '" + file + "'");
            bytes = readChunked(file, (int) size);
        } catch (NoSuchFileException e) {
            throw new ModelException("model file not found: " + file);
        } catch (IOException e) {
            throw new ModelException("cannot read model file '" + file + "': " + e.getMessage(), e);
        }
        checkSize(bytes.length, limits, "model file '" + file + "'");
        return new OnnxModel(parse(bytes, true, "model file '" + file + "'", limits),
                file.toAbsolutePath().getParent());
    }

    /** Bytes a read asks for at a time (see {@link #readChunked}). */
    private static final int READ_CHUNK = 1 << 20;

    /**
     * Reads a file of {@code size} bytes (fewer if it shrank meanwhile) in chunks of {@link #READ_CHUNK}.
     * {@code Files.readAllBytes} hands the channel the whole array at once, and the channel reads it through a
     * temporary native buffer as large as the file: for ResNet-50 another 100 MB, which a fresh process pays for in
     * page faults (25,000 of them; reading ResNet-50 in a fresh JVM took 750-820 ms, in chunks 316) before it copies
     * every byte a second time.
     */
    private static byte[] readChunked(Path file, int size) throws IOException {
        byte[] bytes = new byte[size];
        int n = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (n < size) {
                int r = ch.read(ByteBuffer.wrap(bytes, n, Math.min(READ_CHUNK, size - n)));
                if (r < 0) {
                    break;
                }
                n += r;
            }
        }
        return n == size ? bytes : Arrays.copyOf(bytes, n);
    }

    /** Parses model bytes; external data, if any, is resolved against {@code folder} (may be null: then refused). */
    public static OnnxModel fromBytes(byte[] bytes, Path folder) {
        return fromBytes(bytes, folder, Limits.defaults());
    }

    /** As {@link #fromBytes(byte[], Path)}, refusing more than {@link Limits#maxModelBytes()}. */
    public static OnnxModel fromBytes(byte[] bytes, Path folder, Limits limits) {
        checkSize(bytes.length, limits, "model bytes");
        // Not aliased: the caller still owns the array and might change it.
        return new OnnxModel(parse(bytes, false, "model bytes", limits), folder);
    }

    /** Reads a model from a stream (which is not closed). */
    public static OnnxModel fromStream(InputStream in, Path folder) {
        return fromStream(in, folder, Limits.defaults());
    }

    /** As {@link #fromStream(InputStream, Path)}, refusing more than {@link Limits#maxModelBytes()}. */
    public static OnnxModel fromStream(InputStream in, Path folder, Limits limits) {
        byte[] bytes;
        try {
            long cap = Math.min(limits.maxModelBytes(), MAX_MODEL_BYTES);
            bytes = in.readNBytes((int) Math.min(cap + 1, Integer.MAX_VALUE - 16));
        } catch (IOException e) {
            throw new ModelException("cannot read model: " + e.getMessage(), e);
        }
        checkSize(bytes.length, limits, "model stream");
        return new OnnxModel(parse(bytes, true, "model stream", limits), folder);
    }

    /** protobuf's own bound on one message, and what one Java array can hold. */
    private static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 16;

    private static void checkSize(long size, Limits limits, String what) {
        if (size > limits.maxModelBytes() || size > MAX_MODEL_BYTES) {
            throw new ModelException(what + " is " + size + " bytes, over the limit of "
                    + Math.min(limits.maxModelBytes(), MAX_MODEL_BYTES) + " (larger weights belong in external data)");
        }
    }

    /**
     * Parses the whole message from one array. Aliasing (when vinfer owns the array) lets raw_data refer to the
     * array instead of copying it; the
     * parser checks every declared length against the bytes actually there before it allocates, and the recursion
     * limit bounds nesting (If bodies inside If bodies). Before that, {@link ParseFootprint} bounds the node count
     * and the heap the parsed messages will take, from the wire format alone.
     */
    private static ModelProto parse(byte[] bytes, boolean alias, String what, Limits limits) {
        try {
            ParseFootprint.check(bytes, limits, RECURSION_LIMIT, what);
            // Aliasing takes effect only on input protobuf knows to be immutable (a wrapped ByteString's): with
            // CodedInputStream.newInstance(bytes) every raw_data was copied (~100 MB for ResNet-50) despite it.
            CodedInputStream cis = alias ? UnsafeByteOperations.unsafeWrap(bytes).newCodedInput()
                    : CodedInputStream.newInstance(bytes);
            cis.enableAliasing(alias);
            cis.setRecursionLimit(RECURSION_LIMIT);
            return check(ModelProto.parseFrom(cis), what);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(what + " is not a valid ONNX model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelException("cannot read " + what + ": " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new ModelException(what + " is nested too deeply to parse");
        }
    }

    private static ModelProto check(ModelProto m, String what) {
        if (!m.hasGraph()) {
            throw new ModelException(what + " is not an ONNX model (it has no graph)");
        }
        return m;
    }

    /**
     * The parsed protobuf message (generated from vinfer's own copy of onnx.proto), for tools that inspect or rewrite
     * the model; treat it as read-only.
     */
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

    /**
     * The import stage with another operator registry (e.g. the standard one plus custom mappers).
     *
     * @throws UnsupportedOpException listing every op (with domain and opset) that {@code registry} cannot map
     * @throws dev.vinfer.runtime.ModelException if the graph is invalid or breaks {@link SessionOptions#limits()}
     */
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
