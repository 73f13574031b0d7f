package dev.vinfer.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.ModelException;
import java.io.IOException;

/**
 * Walks the wire format of a model before protobuf parses it, allocating nothing, to bound what the parse will
 * build: the node count (against {@link Limits#maxNodes()}) and an estimate of the heap the parsed messages take
 * (against {@link Limits#maxMemoryBytes()}). A file of millions of empty messages is small on disk but dozens of
 * times larger as Java objects; this refuses it before the objects exist.
 *
 * <p>The estimate charges each message, string and bytes field a fixed object overhead plus its length, and each
 * scalar element its Java width; unknown fields are charged their length (protobuf keeps them).
 */
final class ParseFootprint {
    /** A generated message object with its fields (strings and lists shared while empty). */
    private static final long MESSAGE_BYTES = 96;
    /** A ByteString or String object around its characters. */
    private static final long STRING_BYTES = 56;
    private static final Descriptor NODE = dev.vinfer.onnx.proto.OnnxIr.NodeProto.getDescriptor();

    private final Limits limits;
    private final int depthLimit;
    private long bytes;
    private long nodes;

    private ParseFootprint(Limits limits, int depthLimit) {
        this.limits = limits;
        this.depthLimit = depthLimit;
    }

    /** Throws a ModelException naming {@code what} if parsing {@code data} would pass the node or memory limit. */
    static void check(byte[] data, Limits limits, int depthLimit, String what) {
        ParseFootprint f = new ParseFootprint(limits, depthLimit);
        try {
            f.walk(CodedInputStream.newInstance(data), ModelProto.getDescriptor(), 0);
        } catch (IOException | RuntimeException e) {
            return; // malformed: the parser itself reports it precisely
        }
        if (f.nodes > limits.maxNodes()) {
            throw new ModelException(what + " has more than " + limits.maxNodes() + " nodes (limit maxNodes)");
        }
        if (f.bytes > limits.maxMemoryBytes()) {
            throw new ModelException(what + " would take about " + f.bytes + " bytes of heap once parsed, more than "
                    + "the memory limit (maxMemoryBytes = " + limits.maxMemoryBytes() + ")");
        }
    }

    /** Java bytes of a packed repeated scalar field of {@code length} wire bytes (varints: one byte each at least). */
    private static long packedBytes(FieldDescriptor fd, int length) {
        return switch (fd.getType()) {
            case FLOAT, DOUBLE, FIXED32, FIXED64, SFIXED32, SFIXED64 -> length;
            case INT64, UINT64, SINT64 -> 8L * length;
            default -> 4L * length;
        };
    }

    private void walk(CodedInputStream in, Descriptor type, int depth) throws IOException {
        if (depth > depthLimit) {
            return; // the parser's recursion limit rejects this
        }
        if (type == NODE) {
            nodes++;
        }
        bytes += MESSAGE_BYTES;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            FieldDescriptor fd = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
            int wire = WireFormat.getTagWireType(tag);
            if (fd == null) {
                long before = in.getTotalBytesRead();
                in.skipField(tag);
                bytes += STRING_BYTES + in.getTotalBytesRead() - before;
                continue;
            }
            if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int length = in.readRawVarint32();
                if (length < 0) {
                    throw new IOException("negative length");
                }
                if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    int old = in.pushLimit(length);
                    walk(in, fd.getMessageType(), depth + 1);
                    in.popLimit(old);
                } else {
                    if (fd.getJavaType() == FieldDescriptor.JavaType.STRING
                            || fd.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING) {
                        bytes += STRING_BYTES + length;
                    } else {
                        bytes += packedBytes(fd, length);
                    }
                    in.skipRawBytes(length);
                }
            } else {
                in.skipField(tag);
                bytes += 8;
            }
            if (nodes > limits.maxNodes() || bytes > limits.maxMemoryBytes()) {
                return; // already over: no need to read further
            }
        }
    }
}
