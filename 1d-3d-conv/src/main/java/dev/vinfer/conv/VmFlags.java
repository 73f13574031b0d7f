package dev.vinfer.conv;

import java.lang.management.ManagementFactory;

/**
 * Reads HotSpot flags that decide whether the Vector API kernels are worth using. On other JVMs, or when the
 * management modules are absent (a module-path application that does not resolve them), nothing is known and the
 * answers are "yes": the vector kernels are then used as before.
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

    /** Kept in its own class so that a missing jdk.management module fails here, as a LinkageError. */
    private static final class Reader {
        static boolean flag(String name, boolean unknown) {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (bean == null) {
                return unknown;
            }
            try {
                return Boolean.parseBoolean(bean.getVMOption(name).getValue());
            } catch (IllegalArgumentException noSuchFlag) {
                return unknown;
            }
        }
    }
}
