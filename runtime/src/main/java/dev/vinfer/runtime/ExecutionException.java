package dev.vinfer.runtime;

/** A node failed while running; the message names the node, its op and, where known, the value. */
public class ExecutionException extends VinferException {
    /**
     * A node that failed with an error of its own.
     *
     * @param message names the node, its op and, where known, the value
     * @param cause the error the operator raised
     */
    public ExecutionException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A node that failed a check while running.
     *
     * @param message names the node, its op and, where known, the value
     */
    public ExecutionException(String message) {
        super(message);
    }
}
