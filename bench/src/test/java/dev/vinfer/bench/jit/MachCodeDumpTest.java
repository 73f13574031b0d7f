package dev.vinfer.bench.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MachCodeDump} on a dump shaped as HotSpot 25 prints it without a disassembler plugin (lines shortened). */
class MachCodeDumpTest {
    private static final List<String> DUMP = List.of(
            "============================= C1-compiled nmethod ==============================",
            "Compiled method (c1) 1226  918       2       dev.vinfer.conv.simd.Tiles::tile2 (2921 bytes)",
            "[MachCode]",
            "  0x00007f0000001000: 9090 9090 | 9090 9090",
            "[/MachCode]",
            "============================= C2-compiled nmethod ==============================",
            "Compiled method (c2) 2520  939 %     4       dev.vinfer.conv.simd.Tiles::tile2 @ 641 (2921 bytes)",
            "[MachCode]",
            "  0x00007f0000002000: cccc cccc",
            "[/MachCode]",
            "Compiled method (c2) 3026  975       4       dev.vinfer.conv.simd.Tiles::tile2 (2921 bytes)",
            "[Constant Pool]",
            "  0x00007f0000002f80:   0xff800000      0x7f800000ff800000      ",
            "[MachCode]",
            "[Verified Entry Point]",
            "  # {method} {0x00007f59a047d3c8} 'tile2' '(I)V' in 'dev/vinfer/conv/simd/Tiles'",
            "  0x00007f0000003000: ;   {other}",
            "  0x00007f0000003000: 8984 2400 | c0fe ff55 ",
            "",
            "  0x00007f0000003008: ; implicit exception: dispatches to 0x00007f0000003100",
            "  0x00007f0000003008: 62f2 7d48 | 18c0 c3",
            "[Stub Code]",
            "[/MachCode]",
            "Compiled method (c2) 3100  980       4       dev.vinfer.conv.simd.Other::tile2 (100 bytes)",
            "[MachCode]",
            "  0x00007f0000004000: 9090",
            "[/MachCode]");

    @Test
    void takesTheC2CompilesOfTheMethodOnly() {
        List<MachCodeDump.Code> codes = MachCodeDump.parse(DUMP, "Tiles::tile2");
        assertEquals(1, codes.size(), "the C1 and the on-stack-replacement compiles and Other::tile2 are skipped");
        MachCodeDump.Code c = codes.get(0);
        assertEquals("dev.vinfer.conv.simd.Tiles::tile2", c.method());
        assertEquals(0x7f0000003000L, c.base());
        assertArrayEquals(new byte[] {(byte) 0x89, (byte) 0x84, 0x24, 0x00, (byte) 0xc0, (byte) 0xfe, (byte) 0xff,
            0x55, 0x62, (byte) 0xf2, 0x7d, 0x48, 0x18, (byte) 0xc0, (byte) 0xc3}, c.bytes());
    }

    @Test
    void findsRunsOfFmas() {
        List<String> listing = List.of("a", "vfmadd231ps z", "b", "vfmadd231ps z", "c", "d", "e", "f", "g", "h", "i",
                "j", "k", "l", "m", "n", "o", "vfmadd231ps z");
        List<int[]> runs = MachCodeDump.fmaRuns(listing);
        assertEquals(2, runs.size());
        assertArrayEquals(new int[] {2, 4}, runs.get(0));
        assertArrayEquals(new int[] {18, 18}, runs.get(1));
    }
}
