/**
 * The runtime: tensors, graphs and sessions, with no knowledge of ONNX.
 *
 * <ul>
 * <li>Data: {@link dev.vinfer.runtime.Tensor} (row-major Java arrays, any {@link dev.vinfer.runtime.DType}),
 * {@link dev.vinfer.runtime.ValueInfo} (declared names, dtypes, symbolic shapes).</li>
 * <li>Running: {@link dev.vinfer.runtime.Session} (thread-safe, owns a thread pool and per-run memory; close it),
 * configured by {@link dev.vinfer.runtime.SessionOptions} and bounded by {@link dev.vinfer.runtime.Limits}.</li>
 * <li>Errors: every deliberate failure is a {@link dev.vinfer.runtime.VinferException}:
 * {@link dev.vinfer.runtime.ModelException} (the model), {@link dev.vinfer.runtime.InputException} (the caller's
 * inputs), {@link dev.vinfer.runtime.ExecutionException} (a node while running, named with its op).</li>
 * <li>Extending: {@link dev.vinfer.runtime.Graph}, {@link dev.vinfer.runtime.Node},
 * {@link dev.vinfer.runtime.Operator}, {@link dev.vinfer.runtime.OpContext}, and
 * {@link dev.vinfer.runtime.GraphPass}es run by the {@link dev.vinfer.runtime.Optimizer}.</li>
 * </ul>
 *
 * <p>Options and a run (from {@code GuideExamples}, compiled and run by the build):
 * {@snippet class=dev.vinfer.docs.GuideExamples region=options}
 *
 * <p>Tensors from Java arrays:
 * {@snippet class=dev.vinfer.docs.GuideExamples region=tensors}
 *
 * <p>From and to {@link java.nio.FloatBuffer} and {@link java.lang.foreign.MemorySegment}:
 * {@snippet class=dev.vinfer.docs.ApiExamples region=interop}
 *
 * <p>Errors:
 * {@snippet class=dev.vinfer.docs.GuideExamples region=errors}
 */
package dev.vinfer.runtime;
