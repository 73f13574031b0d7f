/**
 * Sample applications on vinfer sessions: image classification, face detection, face landmarks, face verification,
 * behind the CLI commands of the same names. Each takes a {@link dev.vinfer.runtime.Session} it does not own
 * (closing stays with the caller) and checks the model's declared inputs before running it.
 */
package dev.vinfer.samples;
