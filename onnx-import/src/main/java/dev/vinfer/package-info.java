/**
 * The entry point of vinfer: {@link dev.vinfer.Vinfer#open(java.nio.file.Path)} loads an ONNX file, imports and
 * optimizes its graph and returns a {@link dev.vinfer.runtime.Session}. The user guide is {@code docs/guide.md}.
 *
 * <p>Load a model and run it (from {@code GuideExamples}, compiled and run by the build):
 * {@snippet class=dev.vinfer.docs.GuideExamples region=load}
 *
 * <p>What a model declares:
 * {@snippet class=dev.vinfer.docs.GuideExamples region=metadata}
 */
package dev.vinfer;
