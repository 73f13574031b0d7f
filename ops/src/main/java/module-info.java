// The operators. Every operator package is exported because onnx-import and quantization map ONNX nodes onto them;
// the optimization passes are internal and reach the runtime only as GraphPass services.
module dev.vinfer.ops {
    requires transitive dev.vinfer.runtime;

    exports dev.vinfer.ops.activation;
    exports dev.vinfer.ops.binary;
    exports dev.vinfer.ops.control;
    exports dev.vinfer.ops.conv;
    exports dev.vinfer.ops.detect;
    exports dev.vinfer.ops.gemm;
    exports dev.vinfer.ops.legacy;
    exports dev.vinfer.ops.linalg;
    exports dev.vinfer.ops.nn;
    exports dev.vinfer.ops.nn.norm;
    exports dev.vinfer.ops.nn.pool;
    exports dev.vinfer.ops.nn.resize;
    exports dev.vinfer.ops.quant;
    exports dev.vinfer.ops.reduce;
    exports dev.vinfer.ops.rnn;
    exports dev.vinfer.ops.shape;
    exports dev.vinfer.ops.tensor;
    exports dev.vinfer.ops.unary;
    exports dev.vinfer.ops.util;

    // Keep in step with src/main/resources/META-INF/services/dev.vinfer.runtime.GraphPass (the class path's list).
    provides dev.vinfer.runtime.GraphPass with
            dev.vinfer.ops.passes.StaticShapes,
            dev.vinfer.ops.passes.IdentityElimination,
            dev.vinfer.ops.passes.BatchNormFolding,
            dev.vinfer.ops.passes.ResidualAddFusion,
            dev.vinfer.ops.passes.ActivationFusion,
            dev.vinfer.ops.passes.ChannelShuffleConcatFusion,
            dev.vinfer.ops.passes.AveragePoolBeforePointwise,
            dev.vinfer.ops.passes.StaticConvInputs,
            dev.vinfer.ops.passes.ConcatConvFusion,
            dev.vinfer.ops.passes.ChannelBlockedChains,
            dev.vinfer.ops.passes.BottleneckFusion,
            dev.vinfer.ops.passes.StemPoolFusion,
            dev.vinfer.ops.passes.PointwiseMeanFusion,
            dev.vinfer.ops.passes.ConvMaxPoolFusion;
}
