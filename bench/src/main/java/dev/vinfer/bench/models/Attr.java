package dev.vinfer.bench.models;

import com.google.protobuf.ByteString;
import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.AttributeProto.AttributeType;
import java.nio.charset.StandardCharsets;

/** One ONNX node attribute, written with the short factories below. */
public record Attr(AttributeProto proto) {

    public static Attr i(String name, long v) {
        return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build());
    }

    public static Attr f(String name, float v) {
        return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(v).build());
    }

    public static Attr s(String name, String v) {
        return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(ByteString.copyFrom(v, StandardCharsets.UTF_8)).build());
    }

    public static Attr ints(String name, int... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (int x : v) {
            a.addInts(x);
        }
        return new Attr(a.build());
    }
}
