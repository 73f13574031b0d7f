package dev.vinfer.runtime;

/** The model itself is unreadable, invalid, too large for the configured limits, or uses what vinfer lacks. */
public class ModelException extends VinferException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
