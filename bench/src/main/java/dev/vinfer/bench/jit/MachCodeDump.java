package dev.vinfer.bench.jit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Disassembles a C2-compiled method from the hex dump HotSpot prints when no disassembler plugin is installed
 * ({@code -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,CLASS::METHOD}), with binutils' objdump.
 *
 * <p>Why: the capstone-based hsdis plugin built on this machine in earlier sessions decodes EVEX instructions with
 * embedded broadcasts wrongly (they print as {@code .byte 0x62} and garbage), so the compiled tiles could not be
 * read in full; objdump decodes the same bytes correctly (bench/README.md, "Session 24"). The dump prints each
 * nmethod as {@code Compiled method (c2) ... CLASS::METHOD}, then {@code [MachCode]}, lines of
 * {@code 0xADDRESS: 8984 2400 | c0fe ff55 | ...} (the bytes in memory order) and {@code [/MachCode]}.
 *
 * <p>{@code bench/disasm.sh} runs a command with the dump on and calls this. Usage:
 * {@code MachCodeDump DUMP.txt CLASS::METHOD [--all]}: the last C2 compile of the method (the one that ran last),
 * or every one with {@code --all} (on-stack-replacement compiles are skipped); prints objdump's listing and the line
 * ranges of its FMA runs (the hot loops of a kernel).
 */
public final class MachCodeDump {
    private static final Pattern HEADER = Pattern.compile("^Compiled method \\(c2\\).*\\s(\\S+::\\S+) \\(");
    /** A code line: its address, then words of 2 bytes (the last maybe 1) in groups of two split by bars. */
    private static final Pattern CODE = Pattern.compile(
            "^\\s+0x([0-9a-f]+):((?:\\s+[0-9a-f]{2,4}(?:\\s+[0-9a-f]{2,4})?\\s*\\|?)+)\\s*$");

    private MachCodeDump() {
    }

    /** One compiled method's code: its first address and bytes. */
    record Code(String method, long base, byte[] bytes) {
    }

    /** Every C2 nmethod of {@code method} (a substring of {@code CLASS::METHOD}) in the dump, in dump order. */
    static List<Code> parse(List<String> lines, String method) {
        List<Code> found = new ArrayList<>();
        String current = null;
        boolean inCode = false;
        long base = -1;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : lines) {
            Matcher h = HEADER.matcher(line);
            if (h.find()) {
                current = h.group(1).contains(method) ? h.group(1) : null;
                inCode = false;
                continue;
            }
            if (current == null) {
                continue;
            }
            if (line.startsWith("[MachCode]")) {
                inCode = true;
                base = -1;
                bytes.reset();
            } else if (line.startsWith("[/MachCode]")) {
                if (base >= 0) {
                    found.add(new Code(current, base, bytes.toByteArray()));
                }
                inCode = false;
                current = null;
            } else if (inCode) {
                Matcher c = CODE.matcher(line);
                if (!c.matches()) {
                    continue;
                }
                long at = Long.parseUnsignedLong(c.group(1), 16);
                if (base < 0) {
                    base = at;
                }
                if (at != base + bytes.size()) {
                    // the dump's code lines are contiguous; anything else would shift every address after it
                    throw new IllegalArgumentException("code line not contiguous at 0x" + c.group(1));
                }
                String hex = c.group(2).replaceAll("[^0-9a-f]", "");
                for (int i = 0; i + 1 < hex.length(); i += 2) {
                    bytes.write(Integer.parseInt(hex, i, i + 2, 16));
                }
            }
        }
        return found;
    }

    /** Line ranges (1-based, of {@code listing}) of runs of FMA instructions at most 12 lines apart. */
    static List<int[]> fmaRuns(List<String> listing) {
        List<int[]> runs = new ArrayList<>();
        int start = -1;
        int last = -1;
        for (int i = 0; i < listing.size(); i++) {
            if (!listing.get(i).contains("vfmadd")) {
                continue;
            }
            if (start < 0 || i - last > 12) {
                if (start >= 0) {
                    runs.add(new int[] {start + 1, last + 1});
                }
                start = i;
            }
            last = i;
        }
        if (start >= 0) {
            runs.add(new int[] {start + 1, last + 1});
        }
        return runs;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: MachCodeDump DUMP.txt CLASS::METHOD [--all]");
            System.exit(2);
        }
        List<Code> codes = parse(Files.readAllLines(Path.of(args[0])), args[1]);
        if (codes.isEmpty()) {
            System.err.println("no C2 [MachCode] hex dump of " + args[1] + " in " + args[0]
                    + " (with a disassembler plugin installed HotSpot prints assembly instead of hex)");
            System.exit(1);
        }
        boolean all = args.length > 2 && "--all".equals(args[2]);
        for (Code code : all ? codes : codes.subList(codes.size() - 1, codes.size())) {
            Path bin = Files.createTempFile("machcode", ".bin");
            try {
                Files.write(bin, code.bytes());
                Process p = new ProcessBuilder("objdump", "-D", "-b", "binary", "-mi386:x86-64", "-Mintel",
                        String.format(Locale.ROOT, "--adjust-vma=0x%x", code.base()), bin.toString())
                        .redirectErrorStream(true).start();
                List<String> listing = new String(p.getInputStream().readAllBytes()).lines().toList();
                if (p.waitFor() != 0) {
                    System.err.println(String.join("\n", listing));
                    System.exit(1);
                }
                System.out.printf(Locale.ROOT, "== %s, %d bytes at 0x%x%n", code.method(), code.bytes().length,
                        code.base());
                listing.forEach(System.out::println);
                for (int[] r : fmaRuns(listing)) {
                    System.out.printf(Locale.ROOT, "FMA run: listing lines %d-%d%n", r[0], r[1]);
                }
            } finally {
                Files.deleteIfExists(bin);
            }
        }
    }
}
