package dev.vinfer.conv;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The processor's vendor as Linux reports it ({@code vendor_id} in /proc/cpuinfo), for the few AUTO rules whose
 * measurements differed between the machines this project has run on (an AMD Zen 5 and an Intel Xeon, both with
 * AVX-512 and two cores). Read once; {@code ""} off Linux or when the file cannot be read, which the rules treat
 * as "not measured".
 */
final class CpuVendor {
    /** {@code "GenuineIntel"}, {@code "AuthenticAMD"}, ... or {@code ""}. */
    static final String ID = read(Path.of("/proc/cpuinfo"));

    private CpuVendor() {
    }

    static boolean intel() {
        return "GenuineIntel".equals(ID);
    }

    static boolean amd() {
        return "AuthenticAMD".equals(ID);
    }

    /** The first {@code vendor_id} line's value in {@code cpuinfo}, or {@code ""}. */
    static String read(Path cpuinfo) {
        if (!Files.isReadable(cpuinfo)) {
            return "";
        }
        try (BufferedReader r = Files.newBufferedReader(cpuinfo, StandardCharsets.ISO_8859_1)) {
            String line;
            // the first processor's block only: it ends at the first blank line
            for (int n = 0; (line = r.readLine()) != null && !line.isBlank() && n < 200; n++) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals("vendor_id")) {
                    return line.substring(colon + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return "";
    }
}
