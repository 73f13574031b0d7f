#!/usr/bin/env bash
# Runs one model with HotSpot's compilation log on and lists the calls in C2-compiled vinfer code that box vectors
# (dev.vinfer.bench.jit.VectorBoxingCheck: Vector API calls left virtual, vector-taking helpers not inlined).
# Such a compile is a matter of the profile C2 saw, so run a model a few times (fresh JVMs) before trusting "none".
#
#   bench/jit-check.sh resnet50 2        # model name from bench/target/bench-models, threads
#   RUNS=5 bench/jit-check.sh mobilenetv2 2
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:?model name, e.g. resnet50}
THREADS=${2:-1}
RUNS=${RUNS:-1}
OUT=bench/target/jit-check
mkdir -p "$OUT"
[ -f bench/target/benchmarks.jar ] || bin/jdk25 mvn -B -q -o -pl bench -am package -DskipTests
logs=()
for r in $(seq 1 "$RUNS"); do
  log="$OUT/$MODEL-$THREADS-$r.xml"
  bin/jdk25 java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation \
    -XX:LogFile="$log" -Dvinfer.profile.nodes=5 -Dvinfer.profile.warmup=100 \
    -Dvinfer.bench.models=bench/target/bench-models -cp bench/target/benchmarks.jar \
    dev.vinfer.bench.wholemodel.FamilyProfile "$MODEL" "$THREADS" 20 > "$OUT/$MODEL-$THREADS-$r.out"
  logs+=("$log")
done
bin/jdk25 java -cp bench/target/benchmarks.jar dev.vinfer.bench.jit.VectorBoxingCheck "${logs[@]}"
