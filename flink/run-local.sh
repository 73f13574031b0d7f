#!/usr/bin/env bash
# Runs a vinfer Flink job on a local Flink (a MiniCluster inside this JVM): the same job jar that `flink run`
# submits to a cluster, with Flink's jars from the local Maven repository on the class path.
# Builds the job jar first if it is missing or older than the sources (that build needs the Maven repository to
# hold Flink, i.e. one online build; afterwards everything runs offline).
#   flink/run-local.sh classify-images --images DIR --model M.onnx --labels L.txt --output OUT [--parallelism 2]
#   flink/run-local.sh score-signals [--records 400 --rate 100 --parallelism 2]
#   flink/run-local.sh --help
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
JAR="$HERE/target/vinfer-flink-job.jar"
CLASSPATH_FILE="$HERE/target/flink-classpath.txt"
JDK="$("$ROOT/bin/jdk25")" || exit 2

stale() {
  [ ! -f "$JAR" ] || [ ! -f "$CLASSPATH_FILE" ] && return 0
  [ -n "$(find "$ROOT" -path "$ROOT/*/src/main/*" -newer "$JAR" -type f -print -quit 2>/dev/null)" ] && return 0
  [ -n "$(find "$ROOT" -maxdepth 2 -name pom.xml -newer "$JAR" -print -quit 2>/dev/null)" ] && return 0
  local jar
  IFS=':' read -r -a jars < "$CLASSPATH_FILE"
  for jar in "${jars[@]}"; do [ -f "$jar" ] || return 0; done
  return 1
}

if stale; then
  echo "run-local: building the job jar (first run or sources changed)..." >&2
  if ! (cd "$ROOT" && JAVA_HOME="$JDK" mvn -B -q -DskipTests -pl flink -am package >"$HERE/target-build.log" 2>&1); then
    echo "run-local: build failed; see $HERE/target-build.log" >&2
    exit 2
  fi
  rm -f "$HERE/target-build.log"
fi

# Flink logs through SLF4J (simple binding here): errors only. The JVM announces the incubator module
# on every start; keep stderr for what matters.
set +e
{ "$JDK/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss16m \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=error --sun-misc-unsafe-memory-access=allow -Dorg.slf4j.simpleLogger.logFile=System.err \
    ${VINFER_JAVA_OPTS:-} -cp "$JAR:$(cat "$CLASSPATH_FILE")" dev.vinfer.flink.FlinkJobs "$@" \
    2>&1 1>&3 3>&- | grep -v -E '^WARNING: Using incubator modules' >&2; } 3>&1
exit "${PIPESTATUS[0]}"
