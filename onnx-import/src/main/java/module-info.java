// ONNX loading: dev.vinfer.Vinfer is the entry point. The protobuf classes generated from our own .proto
// (dev.vinfer.onnx.proto) are exported: the quantizer and the CLI read and write models with them, and protobuf's
// descriptor-based reflection calls their public accessors. protobuf-java is an automatic module
// (com.google.protobuf, from its manifest).
module dev.vinfer.onnx {
    requires transitive dev.vinfer.runtime;
    requires transitive dev.vinfer.ops;
    requires transitive com.google.protobuf;

    exports dev.vinfer;
    exports dev.vinfer.onnx;
    exports dev.vinfer.onnx.proto;
    exports dev.vinfer.onnx.testing;
}
