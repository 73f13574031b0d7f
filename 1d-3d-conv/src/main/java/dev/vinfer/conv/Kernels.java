package dev.vinfer.conv;

import dev.vinfer.conv.scalar.ScalarBackend;
import java.util.Optional;

/**
 * Chooses the {@link Backend}: the Vector API kernels unless the system property {@code vinfer.scalar} is
 * {@code true}, or the {@code jdk.incubator.vector} module is missing from the JVM (then loading them fails and
 * the scalar kernels are used). The choice is made once, when this class is first used. The vector width is the
 * platform's preferred one unless {@code vinfer.vectorBits} asks for a narrower one (see
 * {@code dev.vinfer.conv.simd}).
 */
public final class Kernels {
    /** System property that forces the scalar kernels. */
    public static final String SCALAR_PROPERTY = "vinfer.scalar";

    private static final String VECTOR_BACKEND = "dev.vinfer.conv.simd.VectorBackend";

    private static final Optional<Backend> SIMD = loadVector();
    private static final Backend DEFAULT = choose(Boolean.getBoolean(SCALAR_PROPERTY), SIMD);

    private Kernels() {
    }

    /** The backend every entry point uses unless given another one. */
    public static Backend backend() {
        return DEFAULT;
    }

    /** The plain-Java backend (always available). */
    public static Backend scalar() {
        return ScalarBackend.INSTANCE;
    }

    /** The Vector API backend, or empty if this JVM cannot load it. */
    public static Optional<Backend> simd() {
        return SIMD;
    }

    /** The selection rule, as a pure function: scalar when asked for or when no vector backend loaded. */
    static Backend choose(boolean scalarRequested, Optional<Backend> simd) {
        return scalarRequested || simd.isEmpty() ? ScalarBackend.INSTANCE : simd.get();
    }

    /**
     * Loads the vector backend by name, so that this class (and everything scalar) never links against the
     * incubator module. Any failure (module not added: NoClassDefFoundError; no usable vector shape) means "absent".
     */
    private static Optional<Backend> loadVector() {
        try {
            Class<?> c = Class.forName(VECTOR_BACKEND);
            Backend b = (Backend) c.getField("INSTANCE").get(null);
            // A vector of fewer than 4 floats would be slower than the scalar code.
            int lanes = (Integer) c.getMethod("lanes").invoke(null);
            return lanes >= 4 ? Optional.of(b) : Optional.empty();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }
}
