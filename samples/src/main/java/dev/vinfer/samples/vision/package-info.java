/**
 * The vision toolkit: from {@link java.awt.image.BufferedImage}s to model input tensors and from model outputs back
 * to boxes, scores and pictures. Pre-processing ({@link dev.vinfer.samples.vision.ImageTensors},
 * {@link dev.vinfer.samples.vision.ImagePreset}) keeps the coordinate map back to the original image
 * ({@link dev.vinfer.samples.vision.Transformed}); post-processing has anchor decoding
 * ({@link dev.vinfer.samples.vision.Priors}), {@link dev.vinfer.samples.vision.NonMaxSuppression},
 * {@link dev.vinfer.samples.vision.Scores} (softmax, top-k) and drawing ({@link dev.vinfer.samples.vision.Annotator}).
 * All types are immutable values or stateless functions, safe to share between threads.
 *
 * <p>A photo to an ImageNet input tensor (from {@code GuideExamples}, compiled and run by the build):
 * {@snippet class=dev.vinfer.docs.GuideExamples region=images}
 *
 * <p>Non-maximum suppression of a detector's boxes:
 * {@snippet class=dev.vinfer.docs.ApiExamples region=nms}
 */
package dev.vinfer.samples.vision;
