package dev.vinfer.runtime;

/** The caller's inputs do not fit the model: unknown or missing names, wrong dtype or shape. */
public class InputException extends VinferException {
    /**
     * Inputs that do not fit the model; thrown before anything runs.
     *
     * @param message names the input and what the model expected of it
     */
    public InputException(String message) {
        super(message);
    }
}
