package dev.vinfer.bench.conv;

import dev.vinfer.conv.ConvGeometry;

/**
 * The layers of issue 3's table (batch 1), with the ONNX Runtime time measured when the issue was filed and the
 * goal ratio (ONNX Runtime time / vinfer time) it sets for each.
 */
public enum ConvLayer {
    C2D_3X3_64_56("conv2d 3x3 s1 p1 64->64 @56x56", 1.6,
            ConvGeometry.builder().channels(64, 64).input(56, 56).kernel(3, 3).padsOnnx(1, 1, 1, 1)),
    C2D_3X3_256_14("conv2d 3x3 s1 p1 256->256 @14x14", 1.6,
            ConvGeometry.builder().channels(256, 256).input(14, 14).kernel(3, 3).padsOnnx(1, 1, 1, 1)),
    C2D_1X1_256_64_56("conv2d 1x1 256->64 @56x56", 1.0,
            ConvGeometry.builder().channels(256, 64).input(56, 56).kernel(1, 1)),
    C2D_7X7S2_3_64_224("conv2d 7x7 s2 p3 3->64 @224x224", 1.0,
            ConvGeometry.builder().channels(3, 64).input(224, 224).kernel(7, 7).strides(2, 2)
                    .padsOnnx(3, 3, 3, 3)),
    DW_3X3_144_56("depthwise 3x3 s1 p1 144ch @56x56", 1.5,
            ConvGeometry.builder().channels(144, 144).group(144).input(56, 56).kernel(3, 3).padsOnnx(1, 1, 1, 1)),
    C1D_K3_256_4000("conv1d k3 s1 p1 256->256 @4000", 1.5,
            ConvGeometry.builder().channels(256, 256).input(4000).kernel(3).padsOnnx(1, 1)),
    C1D_K80S4_1_128_16000("conv1d k80 s4 1->128 @16000", 1.1,
            ConvGeometry.builder().channels(1, 128).input(16000).kernel(80).strides(4)),
    C3D_3X3X3_64_8X28X28("conv3d 3x3x3 s1 p1 64->64 @8x28x28", 1.5,
            ConvGeometry.builder().channels(64, 64).input(8, 28, 28).kernel(3, 3, 3).padsOnnx(1, 1, 1, 1, 1, 1)),
    C3D_3X3X3_3_64_16X112X112("conv3d 3x3x3 s1 p1 3->64 @16x112x112", 1.1,
            ConvGeometry.builder().channels(3, 64).input(16, 112, 112).kernel(3, 3, 3)
                    .padsOnnx(1, 1, 1, 1, 1, 1));

    private final String title;
    private final double goal;
    private final ConvGeometry geometry;

    ConvLayer(String title, double goal, ConvGeometry.Builder b) {
        this.title = title;
        this.goal = goal;
        this.geometry = b.build();
    }

    public String title() {
        return title;
    }

    /** The goal for ONNX Runtime time / vinfer time. */
    public double goal() {
        return goal;
    }

    public ConvGeometry geometry() {
        return geometry;
    }

    /** Multiply-adds x 2 of the convolution proper (bias and activation not counted). */
    public double flops() {
        return 2.0 * geometry.outputLength() * geometry.reductionLength();
    }
}
