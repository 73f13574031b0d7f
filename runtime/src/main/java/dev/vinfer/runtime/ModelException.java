package dev.vinfer.runtime;

/** The model itself is unreadable, invalid, too large for the configured limits, or uses what vinfer lacks. */
public class ModelException extends VinferException {
    /**
     * A model vinfer cannot load or run.
     *
     * @param message what is wrong with the model, naming the node, op or value where there is one
     */
    public ModelException(String message) {
        super(message);
    }

    /**
     * A model vinfer cannot read, with the underlying failure.
     *
     * @param message what is wrong with the model
     * @param cause the underlying error (an I/O or protobuf parse failure)
     */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
