#!/usr/bin/env bash
# Records per second of the image job with 1 and 2 task slots against one JVM without Flink, on N copies of the
# shared photos (default 48) with ShuffleNet-V2 int8. Each run is a fresh JVM (cold JIT, as a job starts).
#   flink/throughput.sh [N] [MODEL.onnx]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SHARED="${VINFER_SHARED:-$HERE/../../shared}"
N="${1:-48}"
MODEL="${2:-$SHARED/models/shufflenet-v2-12-qdq/shufflenet-v2-12-qdq.onnx}"
LABELS="$SHARED/labels/imagenet_classes.txt"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$WORK/images"
photos=("$SHARED"/images/*.png "$SHARED"/images/*.jpg)
for ((i = 0; i < N; i++)); do
  p="${photos[$((i % ${#photos[@]}))]}"
  cp "$p" "$WORK/images/$i-$(basename "$p")"
done
# The whole process's CPU time too: on a machine shared with other work, the wall-clock rates mostly tell how
# much CPU this run got; CPU seconds per image tell what it cost (JVM start, JIT, Flink and model loading included).
TIMEFORMAT="  whole process: %R s wall, %U s user + %S s sys CPU"
echo "throughput: $N images, model $(basename "$MODEL"), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$HERE/run-local.sh" --version >/dev/null # builds the jar if needed, outside the timings
time "$HERE/run-local.sh" single-jvm --images "$WORK/images" --model "$MODEL" --labels "$LABELS"
for p in 1 2; do
  time "$HERE/run-local.sh" classify-images --images "$WORK/images" --model "$MODEL" --labels "$LABELS" \
      --output "$WORK/out-$p" --parallelism "$p"
done
echo "throughput: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
