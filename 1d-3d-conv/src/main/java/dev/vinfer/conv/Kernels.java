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

    /** Why the vector backend was not loaded, or null if it was. */
    private static String unavailable;
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

    /** The Vector API backend, or empty if this JVM cannot load it or would run it slower than the scalar one. */
    public static Optional<Backend> simd() {
        return SIMD;
    }

    /**
     * Why {@link #simd()} is empty, in words for a log message (what was found and which JVM option changes it), or
     * empty if the vector backend is available.
     */
    public static Optional<String> simdUnavailableReason() {
        return Optional.ofNullable(unavailable);
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
        Backend b;
        int lanes;
        try {
            Class<?> c = Class.forName(VECTOR_BACKEND);
            b = (Backend) c.getField("INSTANCE").get(null);
            lanes = (Integer) c.getMethod("lanes").invoke(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            unavailable = "the jdk.incubator.vector module is not in this JVM (start it with --add-modules"
                    + " jdk.incubator.vector)";
            return Optional.empty();
        }
        // A vector of fewer than 4 floats would be slower than the scalar code.
        if (lanes < 4) {
            unavailable = "the Vector API offers only " + lanes + " float lanes here (-XX:MaxVectorSize too small?)";
            return Optional.empty();
        }
        // Without FMA instructions HotSpot does not compile FloatVector.fma and runs it lane by lane in Java:
        // measured about 3000 times slower than the scalar kernels (mnist-8, -XX:UseAVX=0 or -XX:-UseFMA).
        if (!VmFlags.fmaCompiled()) {
            unavailable = "this JVM does not compile Vector API FMAs (UseFMA is off, e.g. -XX:UseAVX=0 or a CPU"
                    + " without FMA), where the vector kernels are far slower than the scalar ones";
            return Optional.empty();
        }
        return Optional.of(b);
    }
}
