#!/usr/bin/env bash
# Disassembles one C2-compiled method with objdump from HotSpot's hex dump (dev.vinfer.bench.jit.MachCodeDump): the
# capstone-based hsdis plugin mis-decodes AVX-512 instructions with embedded broadcasts (bench/README.md, "Session
# 24"). Needs binutils' objdump and no hsdis library in the JDK (with one, HotSpot prints assembly, not hex).
# Arguments after the method go to java (classpath, main class and its arguments), e.g. a kernel in NchwcProbe:
#
#   bench/disasm.sh dev.vinfer.conv.simd.NchwcDirectTiles::tile2 \
#       -cp 1d-3d-conv/target/classes:1d-3d-conv/target/test-classes \
#       dev.vinfer.conv.bench.NchwcProbe 300 direct,512,512,7x7,3,1,1,relu
#
# Writes bench/target/disasm/METHOD.txt (the dump) and METHOD.dis (the listing of the last C2 compile, then the
# listing lines of its FMA runs), and prints those FMA runs.
set -euo pipefail
cd "$(dirname "$0")/.."
METHOD=${1:?CLASS::METHOD, e.g. dev.vinfer.conv.simd.NchwcDirectTiles::tile2}
shift
OUT=bench/target/disasm
mkdir -p "$OUT"
NAME=$(echo "$METHOD" | tr -c 'A-Za-z0-9.\n' '_')
[ -f bench/target/benchmarks.jar ] || bin/jdk25 mvn -B -q -o -pl bench -am package -DskipTests
bin/jdk25 java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=quiet \
    "-XX:CompileCommand=print,$METHOD" "$@" > "$OUT/$NAME.txt" 2>&1
bin/jdk25 java -cp bench/target/benchmarks.jar dev.vinfer.bench.jit.MachCodeDump "$OUT/$NAME.txt" "$METHOD" \
    > "$OUT/$NAME.dis"
grep '^FMA run' "$OUT/$NAME.dis" || true
echo "listing: $OUT/$NAME.dis"
