/**
 * 3-D volumes: reading and writing NIfTI-1 files, per-voxel segmentation with a fully convolutional model, and a
 * slice-streaming executor for plain chains of 3-D convolutions that keeps only the slices still needed in memory
 * (behind {@code vinfer segment3d}).
 */
package dev.vinfer.samples.volume;
