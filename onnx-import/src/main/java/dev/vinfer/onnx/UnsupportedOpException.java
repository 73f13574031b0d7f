package dev.vinfer.onnx;

import dev.vinfer.runtime.ModelException;
import java.util.List;

/** The model uses ops (or op forms) vinfer does not implement; the message lists every one of them. */
public class UnsupportedOpException extends ModelException {
    private final List<String> unsupported;

    /**
     * One exception for all of a model's missing ops, so a user learns the whole list at once.
     *
     * @param unsupported one entry per op, as {@link #unsupported()} returns them (copied)
     */
    public UnsupportedOpException(List<String> unsupported) {
        super("unsupported operators: " + String.join("; ", unsupported));
        this.unsupported = List.copyOf(unsupported);
    }

    /** One entry per distinct unsupported op: {@code domain:OpType (opset N)} and, if any, why. */
    public List<String> unsupported() {
        return unsupported;
    }
}
