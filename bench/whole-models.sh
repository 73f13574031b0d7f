#!/usr/bin/env bash
# The whole-model table of bench/README.md in one command: builds bench/target/benchmarks.jar, runs the JMH
# whole-model and session-open benchmarks (vinfer and ONNX Runtime in the same run, batch 1, 1 and 2 threads; each
# engine in its own forks, and both interleaved in one fork), then prints the markdown tables and writes the chart.
# The machine's load is recorded before and after.
#
#   bench/whole-models.sh                          # short run: -f 1 -wi 2 -i 3 (3 s iterations)
#   JMH_ARGS="-f 2 -wi 5 -i 10" bench/whole-models.sh   # a quiet machine, longer run
#   bench/whole-models.sh -p model=resnet50        # extra JMH arguments are passed on
set -euo pipefail
cd "$(dirname "$0")/.."
JMH_ARGS=${JMH_ARGS:-"-f 1 -wi 2 -i 3"}
OUT=bench/results
mkdir -p "$OUT"
bin/jdk25 mvn -B -q -o -pl bench -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
echo "load before: $(uptime)" | tee "$OUT/whole-models-load.txt"
# shellcheck disable=SC2086
bin/jdk25 java -Dvinfer.bench.models=bench/target/bench-models -jar bench/target/benchmarks.jar \
  'WholeModelBenchmark|InterleavedModelBenchmark|SessionOpenBenchmark' $JMH_ARGS -rf csv -rff "$OUT/whole-models.csv" "$@"
echo "load after: $(uptime)" | tee -a "$OUT/whole-models-load.txt"
NOTE="$(date -u +%Y-%m-%d), $(nproc) cores, load average $(sed -n 's/.*load average: \([0-9.]*\).*/\1/p' \
  "$OUT/whole-models-load.txt" | paste -sd/ -) (before/after)"
bin/jdk25 java -cp bench/target/benchmarks.jar dev.vinfer.bench.wholemodel.ResultsReport \
  "$OUT/whole-models.csv" bench/whole-models.png "$NOTE" | tee "$OUT/whole-models.md"
