/**
 * The {@code vinfer} command line (picocli): run, info, graph, ops, test, bench, profile, quantize, and the sample
 * applications (classify, detect, landmarks, verify, stylize, segment3d). Start with {@code ./vinfer --help}; each
 * command documents its options with {@code --help}. Not a library API: options and output may change.
 */
package dev.vinfer.cli;
