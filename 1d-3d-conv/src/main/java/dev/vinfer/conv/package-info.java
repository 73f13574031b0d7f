/**
 * Convolution kernels of spatial rank 1 to 3 on plain {@code float[]} arrays, with no knowledge of graphs or ONNX.
 *
 * <ul>
 * <li>Shapes: {@link dev.vinfer.conv.ConvGeometry}, {@link dev.vinfer.conv.ConvTransposeGeometry} (immutable,
 * validated, ONNX semantics, NCHW-style row-major layouts).</li>
 * <li>Entry point: {@link dev.vinfer.conv.Convolutions#prepare} / {@code prepareTranspose} pack the weights once
 * and return an immutable, thread-safe {@link dev.vinfer.conv.ConvKernel}; the algorithm is
 * {@link dev.vinfer.conv.ConvAlgorithm#choose chosen} or forced.</li>
 * <li>Algorithms: im2col + GEMM ({@code Im2colConv}), 1x1 as one GEMM ({@code PointwiseConv}), depthwise direct
 * ({@code DepthwiseConv} along rows, {@code BlockedDepthwiseConv} with the channels in the vector lanes), Winograd F(2,3)/F(4,3)/F(6,3) in 1D/2D/3D ({@code WinogradConv},
 * {@code WinogradTransform}), GEMM + col2im for ConvTranspose, and the reference loops ({@code DirectConv}); each
 * declares its error bound ({@link dev.vinfer.conv.ConvAlgorithm#errorBound}).</li>
 * <li>Matrix products for MatMul/Gemm: {@link dev.vinfer.conv.Sgemm}, with prepacked constant operands
 * ({@link dev.vinfer.conv.PackedMatrix}).</li>
 * <li>Fused activations: {@link dev.vinfer.conv.Epilogue}.</li>
 * <li>The oracle and slow path: {@link dev.vinfer.conv.ConvReference}.</li>
 * <li>Instruction sets: {@link dev.vinfer.conv.Backend}, chosen by {@link dev.vinfer.conv.Kernels}; the Vector API
 * code lives only in {@code dev.vinfer.conv.simd}, the plain Java in {@code dev.vinfer.conv.scalar}.</li>
 * </ul>
 *
 * <p>Threads: nothing here creates a thread; every multi-threaded call takes a {@link dev.vinfer.conv.Parallel}.
 * Scratch memory (GEMM packing buffers, im2col/col2im column buffers, Winograd strips, phase-split inputs) is per
 * thread ({@link java.lang.ThreadLocal}), bounded by fixed budgets (about 2 MiB for the GEMM, 1 MiB for the columns,
 * 2 MiB for a Winograd strip) unless one reduction row or tile row alone is larger, or (phase-split input of a
 * strided im2col) about the size of the input; grown on demand and kept for the thread's life.
 *
 * <p>A convolution on plain arrays (from {@code ApiExamples} in the samples module's tests, compiled and run by the
 * build):
 * {@snippet class=dev.vinfer.docs.ApiExamples region=conv}
 */
package dev.vinfer.conv;
