package dev.vinfer.runtime;

import java.util.Arrays;
import java.util.List;

/**
 * What a graph declares about a value: name, dtype and shape, where each dim is either fixed (>= 0) or symbolic
 * ({@code -1}, with a name such as {@code "batch"} when the model gives one).
 *
 * @param name     value name
 * @param dtype    element type, or null when not declared
 * @param dims     dims, {@code -1} for a symbolic or unknown dim; null when even the rank is unknown
 * @param dimNames symbolic names for dims ({@code null} entries where none); null when {@code dims} is null
 */
public record ValueInfo(String name, DType dtype, long[] dims, List<String> dimNames) {

    /** True when every dim is known, so a shape can be checked exactly. */
    public boolean isStatic() {
        if (dims == null) {
            return false;
        }
        for (long d : dims) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }

    /** Shape as text, e.g. {@code [batch,3,224,224]}. */
    public String shapeString() {
        if (dims == null) {
            return "[?]";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            if (dims[i] >= 0) {
                sb.append(dims[i]);
            } else {
                String n = dimNames == null ? null : dimNames.get(i);
                sb.append(n == null || n.isEmpty() ? "?" : n);
            }
        }
        return sb.append(']').toString();
    }

    @Override
    public String toString() {
        return name + ": " + (dtype == null ? "?" : dtype.displayName()) + shapeString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueInfo v && v.name.equals(name) && v.dtype == dtype && Arrays.equals(v.dims, dims);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }
}
