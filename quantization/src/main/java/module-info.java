// int8 execution and the quantizer. Like the conv kernels, the int8 vector kernels are optional at run time
// (dev.vinfer.quantization.simd.QuantKernels falls back to the scalar ones when the Vector API cannot be loaded).
module dev.vinfer.quantization {
    requires transitive dev.vinfer.onnx;
    requires static jdk.incubator.vector;

    exports dev.vinfer.quantization;
    exports dev.vinfer.quantization.calib;

    // Keep in step with src/main/resources/META-INF/services/dev.vinfer.runtime.GraphPass (the class path's list).
    provides dev.vinfer.runtime.GraphPass with dev.vinfer.quantization.exec.QdqFusionPass;
}
