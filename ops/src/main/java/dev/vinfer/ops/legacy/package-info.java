/**
 * Experimental operators of old opsets (Crop, ImageScaler) that were removed in opset 10 but still appear in real
 * opset-7 model exports.
 */
package dev.vinfer.ops.legacy;
