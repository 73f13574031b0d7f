/**
 * ONNX import: {@link dev.vinfer.onnx.OnnxModel} parses a model (within {@link dev.vinfer.runtime.Limits}, external
 * data only inside the model's folder), {@link dev.vinfer.onnx.OnnxImporter} maps its nodes onto operators through
 * the {@link dev.vinfer.onnx.OpRegistry} (op type, domain and opset range per mapper), and
 * {@link dev.vinfer.onnx.UnsupportedOpException} lists every op a model needs that the registry lacks. The protobuf
 * schema is vinfer's own copy of onnx.proto, compiled into {@code dev.vinfer.onnx.proto}.
 *
 * <p>The stages one by one (from {@code GuideExamples}, compiled and run by the build):
 * {@snippet class=dev.vinfer.docs.GuideExamples region=stages}
 */
package dev.vinfer.onnx;
