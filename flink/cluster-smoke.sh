#!/usr/bin/env bash
# Submits the job jar to a real Flink session cluster on this machine, without a Flink download: a JobManager and
# a TaskManager (2 slots) in their own JVMs, started from Flink's jars in the local Maven repository the way
# Flink's scripts start them (BashJavaUtils computes the memory flags), and jobs submitted with Flink's own CLI
# (CliFrontend, what bin/flink run calls). vinfer reaches the task manager only inside the job jar.
# Runs both samples and checks their output; stops the cluster at the end. Not part of the test suite.
# Listens on 127.0.0.1 only: RPC port $FLINK_SMOKE_RPC (16123), REST port $FLINK_SMOKE_REST (18081).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SHARED="${VINFER_SHARED:-$HERE/../../shared}"
JAR="$HERE/target/vinfer-flink-job.jar"
RPC="${FLINK_SMOKE_RPC:-16123}"
REST="${FLINK_SMOKE_REST:-18081}"
"$HERE/run-local.sh" --version >/dev/null # builds the job jar if needed
JAVA="$("$HERE/../bin/jdk25")/bin/java"
FLINK_CP="$(cat "$HERE/target/flink-classpath.txt")"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/conf"
cat > "$WORK/conf/config.yaml" <<CONF
jobmanager.rpc.address: localhost
jobmanager.rpc.port: $RPC
jobmanager.bind-host: localhost
taskmanager.bind-host: localhost
taskmanager.host: localhost
rest.address: localhost
rest.bind-address: localhost
rest.port: $REST
taskmanager.numberOfTaskSlots: 2
jobmanager.memory.process.size: 1024m
taskmanager.memory.process.size: 2048m
env.java.opts.all: --add-modules jdk.incubator.vector
CONF
# What Flink's distribution puts in env.java.default-opts.all for JDK 17+ (its scripts add them to every JVM; the
# CLI needs java.util open). vinfer itself needs only --add-modules jdk.incubator.vector.
FLINK_JDK_OPTS="--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  -Dorg.slf4j.simpleLogger.defaultLogLevel=error"
# The JVM flags and dynamic properties for one process, as bin/jobmanager.sh and bin/taskmanager.sh get them.
resource_params() { # GET_JM_RESOURCE_PARAMS | GET_TM_RESOURCE_PARAMS -> two lines: JVM flags, dynamic properties
  "$JAVA" -cp "$FLINK_CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$WORK/conf" 2>/dev/null \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}
start() { # NAME ENTRYPOINT RESOURCE_QUERY
  local params jvm dyn
  params="$(resource_params "$3")"
  jvm="$(sed -n 1p <<<"$params")"
  dyn="$(sed -n 2p <<<"$params")"
  # shellcheck disable=SC2086 # flag lists are meant to split
  "$JAVA" $jvm $FLINK_JDK_OPTS --add-modules jdk.incubator.vector -cp "$FLINK_CP" "$2" --configDir "$WORK/conf" \
      $dyn >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
start jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS
start taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS

echo "cluster-smoke: waiting for the task manager to register (REST on 127.0.0.1:$REST)..."
for ((i = 0; i < 180; i++)); do
  if curl -s "http://127.0.0.1:$REST/overview" | grep -q '"taskmanagers":1'; then break; fi
  sleep 1
done
curl -s "http://127.0.0.1:$REST/overview" | grep -q '"taskmanagers":1' || {
  echo "cluster-smoke: the cluster did not come up; logs:" >&2; tail -n 20 "$WORK"/*.log >&2; exit 1; }

flink_run() { # what `bin/flink run` does
  # shellcheck disable=SC2086
  FLINK_CONF_DIR="$WORK/conf" "$JAVA" $FLINK_JDK_OPTS -cp "$FLINK_CP" org.apache.flink.client.cli.CliFrontend \
      run "$@" 2>&1 | grep -v -E '^WARNING|^- vinfer|^Accumulator Results|^$'
}
flink_run -p 2 "$JAR" classify-images --images "$SHARED/images" \
    --model "$SHARED/models/shufflenet-v2-12-qdq/shufflenet-v2-12-qdq.onnx" \
    --labels "$SHARED/labels/imagenet_classes.txt" --output "$WORK/classified" --parallelism 2
lines=$(cat "$WORK"/classified/*.csv | wc -l)
[ "$lines" -eq 5 ] || { echo "cluster-smoke: expected a header and 4 CSV lines, got $lines" >&2; exit 1; }
grep -q '^/.*/chelsea.png,285,' "$WORK"/classified/*.csv || { echo "cluster-smoke: chelsea.png not class 285" >&2; exit 1; }
flink_run "$JAR" score-signals --records 200 --rate 100 --parallelism 2 --quiet | tee "$WORK/signals.txt"
grep -q "200 windows .* 200 correct" "$WORK/signals.txt" || { echo "cluster-smoke: streaming job failed" >&2; exit 1; }
if grep -q "Vector API is not available" "$WORK/taskmanager.log"; then
  echo "cluster-smoke: the task manager ran without the Vector API" >&2; exit 1
fi
echo "cluster-smoke: OK (both jobs on a JobManager + TaskManager of their own; vinfer only in the job jar)"
