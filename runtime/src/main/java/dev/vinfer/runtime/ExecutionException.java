package dev.vinfer.runtime;

/** A node failed while running; the message names the node, its op and, where known, the value. */
public class ExecutionException extends VinferException {
    public ExecutionException(String message, Throwable cause) {
        super(message, cause);
    }

    public ExecutionException(String message) {
        super(message);
    }
}
