#!/usr/bin/env bash
# int8 benchmarks: builds the ResNet-50 and MobileNetV2 float models (bench model builder), writes 32 calibration
# inputs from the shared photos, quantizes both with `vinfer quantize --per-channel`, then runs the JMH benchmarks of
# dev.vinfer.bench.int8 (kernel options and whole models against ONNX Runtime). INT8_BENCH picks the benchmarks
# (a JMH regex); extra arguments go to JMH, e.g.
#   INT8_BENCH=Int8ModelBenchmark bench/int8.sh -p threads=1 -wi 3 -i 5
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SHARED="${VINFER_SHARED:-$ROOT/../shared}"
OUT="$ROOT/bench/target/int8-models"
JAVA="$(bin/jdk25)/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss16m"
bin/jdk25 mvn -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -pl bench,samples -am package
mkdir -p "$OUT"
for m in resnet50 mobilenetv2; do
  if [ ! -f "$OUT/$m.onnx" ]; then
    $JAVA -cp bench/target/benchmarks.jar dev.vinfer.bench.models.BuildModels "$OUT" "$m:1x3x224x224"
    mv "$OUT/${m}_1x3x224x224.onnx" "$OUT/$m.onnx"
  fi
done
[ -d "$OUT/calibration" ] || $JAVA -cp bench/target/benchmarks.jar dev.vinfer.bench.int8.CalibrationSet \
  "$SHARED/images" "$OUT/calibration" 32
for m in resnet50 mobilenetv2; do
  [ -f "$OUT/$m-int8.onnx" ] || ./vinfer quantize "$OUT/$m.onnx" --calibration "$OUT/calibration" \
    --out "$OUT/$m-int8.onnx" --per-channel
done
$JAVA -Dvinfer.shared="$SHARED" -Dvinfer.int8.models="$OUT" -jar bench/target/benchmarks.jar \
  -jvmArgsAppend "-Dvinfer.shared=$SHARED -Dvinfer.int8.models=$OUT" "${INT8_BENCH:-dev.vinfer.bench.int8}" "$@"
