#!/usr/bin/env bash
# Builds the benchmarks jar, runs issue 3's convolution benchmarks (every layer at 1 and 2 threads, vinfer and
# ONNX Runtime in the same JMH run, SGEMM, the FMA peak), then every applicable algorithm forced on every layer at
# one thread (vinfer only), and writes the tables and chart into bench/README.md. About 25 minutes.
# Usage (from the repository root): bench/run-conv.sh [--no-sweep] [extra JMH options, e.g. -p threads=1]
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
sweep=1
if [[ "${1:-}" == "--no-sweep" ]]; then sweep=0; shift; fi
bin/jdk25 mvn -B -q -o -pl bench -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
out=bench/results
mkdir -p "$out"
rm -f "$out/conv.json"
if [[ $sweep == 1 ]]; then rm -f "$out/conv-algos.json"; fi  # --no-sweep keeps the last sweep's results
before="$(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" -jar bench/target/benchmarks.jar 'ConvLayerBench|SgemmBench|PeakFlops' -rf json -rff "$out/conv.json" "$@" \
    | tee "$out/conv.log"
if [[ $sweep == 1 ]]; then
    "$JAVA" -jar bench/target/benchmarks.jar 'ConvLayerBench' -p runtime=vinfer -p threads=1 \
        -p algo=im2col,implicit_im2col,pixel_rows,channels_last,winograd_f2_3,winograd_f4_3,winograd_f6_3,winograd_depth,depthwise,depthwise_blocked,pointwise \
        -rf json -rff "$out/conv-algos.json" | tee "$out/conv-algos.log"
fi
after="$(cut -d' ' -f1-3 /proc/loadavg)"
note="Load average (1, 5, 15 min) before the run: $before; after: $after (2 cores). $(date -u '+%Y-%m-%d %H:%M UTC')."
"$JAVA" --add-modules jdk.incubator.vector -Djava.awt.headless=true -cp bench/target/benchmarks.jar \
    dev.vinfer.bench.report.ConvReport "$out/conv.json,$out/conv-algos.json" bench/README.md "$note"
