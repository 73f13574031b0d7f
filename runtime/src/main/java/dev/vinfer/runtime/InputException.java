package dev.vinfer.runtime;

/** The caller's inputs do not fit the model: unknown or missing names, wrong dtype or shape. */
public class InputException extends VinferException {
    public InputException(String message) {
        super(message);
    }
}
