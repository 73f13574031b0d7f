package dev.vinfer.conv;

import java.lang.management.ManagementFactory;

/**
 * Reads HotSpot flags: whether the Vector API kernels are worth using, and where a new array's data starts
 * ({@link ArrayAlignment}). On other JVMs, or when the management modules are absent (a module-path application that
 * does not resolve them), nothing is known: the vector kernels are then used as before, and arrays are not aligned.
 */
final class VmFlags {
    private VmFlags() {
    }

    /** False only when the JVM reports {@code UseFMA=false}. */
    static boolean fmaCompiled() {
        try {
            return Reader.flag("UseFMA", true);
        } catch (LinkageError | RuntimeException e) {
            return true;
        }
    }

    /**
     * The value HotSpot reports for a flag, as text, or null when it is unknown (another JVM, no such flag, or no
     * management modules).
     */
    static String value(String name) {
        try {
            return Reader.value(name);
        } catch (LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** Kept in its own class so that a missing jdk.management module fails here, as a LinkageError. */
    private static final class Reader {
        static boolean flag(String name, boolean unknown) {
            String v = value(name);
            return v == null ? unknown : Boolean.parseBoolean(v);
        }

        static String value(String name) {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (bean == null) {
                return null;
            }
            try {
                return bean.getVMOption(name).getValue();
            } catch (IllegalArgumentException noSuchFlag) {
                return null;
            }
        }
    }
}
