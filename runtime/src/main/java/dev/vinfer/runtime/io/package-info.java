/**
 * Tensor file formats. {@link dev.vinfer.runtime.io.Npy} reads and writes NumPy {@code .npy} files, the usual way to
 * exchange arrays with Python (example compiled and run by the build):
 * {@snippet class=dev.vinfer.docs.ApiExamples region=npy}
 */
package dev.vinfer.runtime.io;
