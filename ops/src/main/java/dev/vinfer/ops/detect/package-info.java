/** Detection post-processing operators: NonMaxSuppression with the ONNX box formats and tie-breaking. */
package dev.vinfer.ops.detect;
