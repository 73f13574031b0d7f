#!/usr/bin/env bash
# Builds the benchmarks jar, runs issue 3's convolution benchmarks (every layer at 1 and 2 threads, vinfer and
# ONNX Runtime in the same JMH run, SGEMM, the FMA peak), and writes the tables and chart into bench/README.md.
# Usage (from the repository root): bench/run-conv.sh [extra JMH options, e.g. -p threads=1]
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
bin/jdk25 mvn -B -q -o -pl bench -am package -DskipTests
out=bench/results
mkdir -p "$out"
before="$(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" -jar bench/target/benchmarks.jar 'ConvLayerBench|SgemmBench|PeakFlops' -rf json -rff "$out/conv.json" "$@" \
    | tee "$out/conv.log"
after="$(cut -d' ' -f1-3 /proc/loadavg)"
note="Load average (1, 5, 15 min) before the run: $before; after: $after (2 cores). $(date -u '+%Y-%m-%d %H:%M UTC')."
"$JAVA" --add-modules jdk.incubator.vector -Djava.awt.headless=true -cp bench/target/benchmarks.jar \
    dev.vinfer.bench.report.ConvReport "$out/conv.json" bench/README.md "$note"
