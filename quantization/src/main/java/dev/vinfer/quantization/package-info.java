/**
 * Static post-training int8 quantization and the int8 execution of QDQ models.
 *
 * <p>{@link dev.vinfer.quantization.Quantizer} turns a float ONNX model into the standard QDQ form from a few
 * calibration inputs; vinfer runs the result on its integer kernels (the QDQ fusion pass of
 * {@code dev.vinfer.quantization.exec}, found by {@link java.util.ServiceLoader} when this module is on the class
 * path), and ONNX Runtime loads it too. Example, compiled and run by the build:
 * {@snippet class=dev.vinfer.docs.ApiExamples region=quantize}
 */
package dev.vinfer.quantization;
