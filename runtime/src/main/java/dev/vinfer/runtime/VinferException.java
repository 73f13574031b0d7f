package dev.vinfer.runtime;

/** The root of every exception vinfer throws on purpose; anything else escaping is a bug. */
public class VinferException extends RuntimeException {
    /**
     * An error vinfer detected itself.
     *
     * @param message what failed and why, naming the node, op or value involved where there is one
     */
    public VinferException(String message) {
        super(message);
    }

    /**
     * An error vinfer detected while handling another.
     *
     * @param message what failed and why
     * @param cause the underlying error (an I/O or parse failure)
     */
    public VinferException(String message, Throwable cause) {
        super(message, cause);
    }
}
