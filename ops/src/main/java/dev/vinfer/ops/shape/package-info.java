/**
 * Operators that move, select or describe elements without arithmetic: Reshape, Transpose, Concat, Split, Slice,
 * Gather/Scatter (and their Elements/ND forms), Pad, Tile, Expand, Squeeze/Unsqueeze, Flatten, DepthToSpace,
 * SpaceToDepth, Shape, Size, Range, OneHot, Trilu, ConstantOfShape and Dropout. They work on every dtype by copying
 * elements; shape arithmetic is checked against overflow and the session's limits.
 */
package dev.vinfer.ops.shape;
