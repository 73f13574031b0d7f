package dev.vinfer.onnx;

import dev.vinfer.runtime.ModelException;

/**
 * Thrown by a mapper when the op is known but this form of it (an attribute value, a dtype) is not supported; the
 * importer collects these with the unknown ops into one {@link UnsupportedOpException}.
 */
public class UnsupportedFormException extends ModelException {
    /**
     * A model error for an op form vinfer does not implement.
     *
     * @param what the node, op and the unsupported attribute value or dtype, as the user should read it
     */
    public UnsupportedFormException(String what) {
        super(what);
    }
}
