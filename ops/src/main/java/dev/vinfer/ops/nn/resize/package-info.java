/**
 * Resize and Upsample on tensors of any rank: nearest, linear and cubic sampling, every ONNX coordinate
 * transformation mode, antialiasing and aspect-ratio policies, with sizes or scales given at import or at run time.
 */
package dev.vinfer.ops.nn.resize;
