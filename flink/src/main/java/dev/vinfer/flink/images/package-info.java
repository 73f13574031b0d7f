/** The batch sample job: classify the image files of some folders and write one CSV line per image. */
package dev.vinfer.flink.images;
