package dev.vinfer.runtime;

/** The root of every exception vinfer throws on purpose; anything else escaping is a bug. */
public class VinferException extends RuntimeException {
    public VinferException(String message) {
        super(message);
    }

    public VinferException(String message, Throwable cause) {
        super(message, cause);
    }
}
