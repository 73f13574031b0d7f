/**
 * The Conv and ConvTranspose operators: they normalize the ONNX attributes ({@link ConvAttributes},
 * {@link ConvPadding}), prepare a {@link dev.vinfer.conv.ConvKernel} once for constant weights and run it per
 * inference, with an optionally fused residual addition and activation. The kernels themselves live in
 * {@code dev.vinfer.conv}.
 */
package dev.vinfer.ops.conv;
