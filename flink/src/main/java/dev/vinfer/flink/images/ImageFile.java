package dev.vinfer.flink.images;

/**
 * One image file as read by the file source: where it is and its encoded bytes (decoded by the classifying
 * operator, so that the source stays cheap and the decoding runs in parallel with inference).
 */
public record ImageFile(String path, byte[] bytes) {
}
