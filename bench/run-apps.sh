#!/usr/bin/env bash
# Builds the benchmarks jar and runs issue 9's application benchmarks (MobileFaceNet, candy at 720x720, MeshNet at
# 256^3; vinfer and ONNX Runtime in the same JMH run, 1 and 2 threads), then prints the markdown table for
# bench/README.md with the load average seen. Usage (from the repository root): bench/run-apps.sh [JMH options]
set -euo pipefail
cd "$(dirname "$0")/.."
bin/jdk25 mvn -B -q -o -pl bench -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
JAVA="$(bin/jdk25)/bin/java"
out=bench/results
mkdir -p "$out"
before="$(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" -jar bench/target/benchmarks.jar 'dev.vinfer.bench.apps' -rf csv -rff "$out/apps.csv" "$@" | tee "$out/apps.log"
after="$(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "| model | threads | vinfer (ms) | ONNX Runtime (ms) | ORT time / vinfer time |"
  echo "|---|---|---|---|---|"
  # CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: engine"[,"Param: model"],"Param: threads"
  # JMH writes CRLF line ends: strip the CR before splitting.
  tr -d '\r' < "$out/apps.csv" | awk -F',' 'NR == 1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); col[$i] = i }; next }
    { for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
      model = ("Param: model" in col) && $col["Param: model"] != "" ? $col["Param: model"] : "meshnet-256^3"
      if ($col["Benchmark"] ~ /MeshNet/) model = "meshnet-256^3"
      key = model SUBSEP $col["Param: threads"]
      score[key, $col["Param: engine"]] = $col["Score"]; keys[key] = 1 }
    END { for (k in keys) { split(k, p, SUBSEP); v = score[k, "vinfer"]; o = score[k, "ort"]
      printf "| %s | %s | %.1f | %.1f | %.2f |\n", p[1], p[2], v, o, (v > 0 ? o / v : 0) } }' | sort
  echo
  echo "Load average (1, 5, 15 min) before: $before; after: $after (2 cores). $(date -u '+%Y-%m-%d %H:%M UTC')."
} | tee "$out/apps.md"
