#!/usr/bin/env bash
# A small Apache Flink session cluster on 127.0.0.1 — a JobManager (with the web dashboard and the
# REST API), TaskManagers and the SQL Gateway (REST) — run from Maven Central jars downloaded once
# into .cache/flink/<version>/ (flink-dist is not served there, so its parts are listed in
# scripts/flink/pom.xml.in, with the Kafka SQL connector, datagen, files, json and csv).
#
#   scripts/flink.sh install [VERSION]                    resolve the jars (no-op when cached)
#   scripts/flink.sh start   [VERSION] [--taskmanagers N] install, start, wait until the gateway answers
#                                                         and N TaskManagers are registered; prints the
#                                                         gateway URL, then the dashboard URL. Idempotent:
#                                                         a running cluster is left as it is, one with
#                                                         fewer TaskManagers gets more (its jobs run on),
#                                                         a dead TaskManager is started again, a dead
#                                                         JobManager or gateway restarts the cluster whole
#   scripts/flink.sh url     [VERSION] [rest]             the gateway URL (or the dashboard/REST URL)
#   scripts/flink.sh status  [VERSION]                    one line per process; exit 0 if all run, 3 if not
#   scripts/flink.sh stop    [VERSION]                    stop the gateway, TaskManagers and JobManager
#   scripts/flink.sh clean   [VERSION]                    stop and delete the run dir (the jars stay)
#
# VERSION: $SLUICE_FLINK_VERSION, else 2.2.0 (the Kafka SQL connector 5.0.0-2.2 belongs to it).
# Memory: JobManager 512m, each TaskManager 1g with 2 slots (SLUICE_FLINK_JM_MEMORY,
# SLUICE_FLINK_TM_MEMORY, SLUICE_FLINK_TM_SLOTS). Ports (JobManager RPC, REST, gateway) are chosen
# once and kept, so a restarted cluster comes back where clients expect it; SLUICE_FLINK_REST_PORT
# and SLUICE_FLINK_GATEWAY_PORT pin them. Logs: .cache/flink/<version>/run/logs/.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TEMPLATES="$ROOT/scripts/flink"
# Resolved: .cache may be a symlink shared by several checkouts, and the processes' markers name
# the run dir, so every checkout must spell it the same way to see the one cluster.
CACHE_ROOT="$(realpath -m "$ROOT/.cache/flink")"
START_TIMEOUT="${SLUICE_FLINK_START_TIMEOUT:-120}"

log() { echo "flink.sh: $*" >&2; }
die() { log "$*"; exit 1; }

resolve_version() {
  local v="${1:-${SLUICE_FLINK_VERSION:-2.2.0}}"
  case "$v" in
    2 | 2.2 | latest) echo 2.2.0 ;;
    2.[0-9]*.[0-9]*) echo "$v" ;;
    *) die "unsupported Flink version '$v': use a 2.x version such as 2.2.0 (config.yaml is 2.x only)" ;;
  esac
}

# flink-sql-connector-kafka is released separately, one line per Flink minor.
kafka_connector_version() {
  if [ -n "${SLUICE_FLINK_KAFKA_CONNECTOR:-}" ]; then echo "$SLUICE_FLINK_KAFKA_CONNECTOR"; return; fi
  case "$VERSION" in
    2.2.*) echo 5.0.0-2.2 ;;
    2.1.*) echo 5.0.0-2.1 ;;
    2.0.*) echo 4.0.1-2.0 ;;
    *) die "no known flink-sql-connector-kafka for Flink $VERSION; set SLUICE_FLINK_KAFKA_CONNECTOR" ;;
  esac
}

set_paths() {
  VERSION="$1"
  DIR="$CACHE_ROOT/$VERSION"
  LIBS="$DIR/libs"
  RUN="$DIR/run"
  CONF="$RUN/conf"
  LOGS="$RUN/logs"
}

install() {
  [ -f "$LIBS/.complete" ] && return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed to download Flink $VERSION"
  command -v java >/dev/null || die "Java 17+ is needed to run Flink $VERSION"
  mkdir -p "$DIR"
  sed -e "s|@FLINK_VERSION@|$VERSION|g" -e "s|@KAFKA_CONNECTOR_VERSION@|$(kafka_connector_version)|g" \
    "$TEMPLATES/pom.xml.in" >"$DIR/pom.xml"
  log "downloading Flink $VERSION from Maven Central (once) into ${LIBS#"$ROOT"/}"
  rm -rf "$LIBS"
  mvn -B --strict-checksums -Dstyle.color=never -f "$DIR/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS" \
    >"$DIR/install.log" 2>&1 || { tail -n 40 "$DIR/install.log" >&2; die "could not resolve Flink $VERSION from Maven Central (log: ${DIR#"$ROOT"/}/install.log)"; }
  [ -n "$(ls "$LIBS"/flink-sql-gateway-*.jar 2>/dev/null)" ] || die "Flink $VERSION resolved but flink-sql-gateway is missing in $LIBS"
  touch "$LIBS/.complete"
}

# What flink-dist's config.yaml passes every Flink JVM on Java 17 (Kryo and the planner reflect
# into these packages).
JAVA_OPENS=(--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED)

# Every process gets -Dsluice.flink=<role>@<run dir> so it can be told apart from a reused pid
# and from another checkout's cluster.
marker() { echo "-Dsluice.flink=$1@$RUN"; }

is_running_role() {
  local role="$1" pid
  [ -f "$RUN/$role.pid" ] || return 1
  pid="$(cat "$RUN/$role.pid")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(marker "$role")"
}

roles() {
  echo jobmanager
  local f
  for f in "$RUN"/taskmanager-*.pid; do [ -e "$f" ] && basename "$f" .pid; done
  echo sql-gateway
}

# Every process of the cluster (a TaskManager started earlier included) is alive.
all_running() {
  local role
  is_running_role jobmanager || return 1
  for role in $(roles); do is_running_role "$role" || return 1; done
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

port_is_free() {
  node -e 'const s = require("net").createServer(); s.once("error", () => process.exit(1)); s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close());' "$1"
}

# The port saved in $RUN/$1 by an earlier start if still free, else $2 (when set) or a free one.
choose_port() {
  local file="$RUN/$1" pinned="${2:-}" port
  if [ -n "$pinned" ]; then
    port="$pinned"
  elif [ -f "$file" ] && port_is_free "$(cat "$file")"; then
    port="$(cat "$file")"
  else
    port="$(free_port)"
  fi
  port_is_free "$port" || die "port $port ($1) is taken; stop what uses it or pin another one"
  echo "$port" >"$file"
}

# BashJavaUtils computes the JVM heap/direct/metaspace flags and the resolved memory settings
# ("dynamic configs") the way flink-dist's scripts do; a TaskManager started without them fails
# with "taskmanager.cpu.cores is not set". It prints them as the last two prefixed lines.
resource_params() {
  local command="$1" out
  out="$(java -Xmx128m -cp "$LIBS/*" "-Dlog4j2.configurationFile=$TEMPLATES/log4j2.properties" "-Dlog.file=$LOGS/bash-java-utils.log" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "$command" --configDir "$CONF" 2>&1)" ||
    { echo "$out" >&2; die "BashJavaUtils $command failed"; }
  echo "$out" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | tail -n 2 | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

# launch ROLE MAIN_CLASS JVM_PARAMS ARGS...: a detached JVM (setsid: it must outlive the shell or
# test runner that started it; 9>&-: the lock fd must not be inherited).
launch() {
  local role="$1" main="$2" jvm_params="$3" pid=""
  shift 3
  # shellcheck disable=SC2086 # jvm_params is a space-separated flag list from BashJavaUtils
  FLINK_CONF_DIR="$CONF" setsid nohup java $jvm_params "${JAVA_OPENS[@]}" -XX:+UseG1GC -Djava.awt.headless=true \
    "$(marker "$role")" "-Dlog.file=$LOGS/$role.log" "-Dlog4j2.configurationFile=$TEMPLATES/log4j2.properties" \
    -cp "$LIBS/*" "$main" "$@" >"$LOGS/$role.out" 2>&1 </dev/null 9>&- &
  local launcher=$!
  # setsid forks when it leads its process group, so $! may be gone: find the JVM by its marker.
  for _ in $(seq 1 50); do
    pid="$(pgrep -f -- "$(marker "$role") " | head -n 1)" && [ -n "$pid" ] && break
    sleep 0.1
  done
  echo "${pid:-$launcher}" >"$RUN/$role.pid"
}

http_ok() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }

registered_taskmanagers() {
  node -e 'fetch(process.argv[1]).then((r) => r.json()).then((o) => console.log(o.taskmanagers ?? 0), () => console.log(0))' \
    "http://127.0.0.1:$(cat "$RUN/rest-port")/overview"
}

wait_for() {
  local what="$1" deadline=$((SECONDS + START_TIMEOUT))
  shift
  until "$@"; do
    local role
    for role in $(roles); do
      if ! is_running_role "$role"; then
        tail -n 30 "$LOGS/$role.log" "$LOGS/$role.out" >&2 2>/dev/null || true
        die "Flink $VERSION $role exited during startup (logs in ${LOGS#"$ROOT"/})"
      fi
    done
    [ "$SECONDS" -lt "$deadline" ] || die "Flink $VERSION: $what not ready within ${START_TIMEOUT}s (logs in ${LOGS#"$ROOT"/})"
    sleep 0.5
  done
}

taskmanagers_registered() { [ "$(registered_taskmanagers)" -ge "$1" ]; }

print_urls() {
  echo "http://127.0.0.1:$(cat "$RUN/gateway-port")"
  echo "http://127.0.0.1:$(cat "$RUN/rest-port")"
}

start() {
  local taskmanagers="$1"
  install
  mkdir -p "$CONF" "$LOGS" "$RUN/tmp"
  if is_running_role jobmanager && is_running_role sql-gateway && ! all_running; then
    # Only TaskManagers died (killed, or lost their memory): start them again in place, as a
    # standalone cluster's operator would; the JobManager restarts their jobs and the gateway's
    # sessions live on.
    local role tm
    mapfile -t tm < <(resource_params GET_TM_RESOURCE_PARAMS)
    for role in $(roles | grep '^taskmanager-'); do
      is_running_role "$role" && continue
      log "restarting Flink $VERSION $role (it was not running)"
      # shellcheck disable=SC2086
      launch "$role" org.apache.flink.runtime.taskexecutor.TaskManagerRunner "${tm[0]}" --configDir "$CONF" ${tm[1]}
    done
  fi
  if all_running; then
    local have
    have="$(roles | grep -c '^taskmanager-' || true)"
    if [ "$have" -lt "$taskmanagers" ]; then
      # More TaskManagers join the running cluster: its jobs and the gateway's sessions live on.
      log "adding $((taskmanagers - have)) TaskManager(s) to the running Flink $VERSION cluster"
      local tm i
      mapfile -t tm < <(resource_params GET_TM_RESOURCE_PARAMS)
      for i in $(seq $((have + 1)) "$taskmanagers"); do
        # shellcheck disable=SC2086
        launch "taskmanager-$i" org.apache.flink.runtime.taskexecutor.TaskManagerRunner "${tm[0]}" --configDir "$CONF" ${tm[1]}
      done
      wait_for "$taskmanagers TaskManager(s)" taskmanagers_registered "$taskmanagers"
    fi
    wait_for "the SQL Gateway" http_ok "http://127.0.0.1:$(cat "$RUN/gateway-port")/v3/info"
    print_urls
    return 0
  fi
  # A partly running cluster (one process died) is restarted whole: simpler than repairing it.
  stop
  choose_port rpc-port
  choose_port rest-port "${SLUICE_FLINK_REST_PORT:-}"
  choose_port gateway-port "${SLUICE_FLINK_GATEWAY_PORT:-}"
  sed -e "s|@JM_RPC_PORT@|$(cat "$RUN/rpc-port")|" -e "s|@REST_PORT@|$(cat "$RUN/rest-port")|" \
    -e "s|@GATEWAY_PORT@|$(cat "$RUN/gateway-port")|" -e "s|@TMP_DIR@|$RUN/tmp|g" -e "s|@RUN_DIR@|$RUN|g" \
    -e "s|@JM_MEMORY@|${SLUICE_FLINK_JM_MEMORY:-512m}|" -e "s|@TM_MEMORY@|${SLUICE_FLINK_TM_MEMORY:-1g}|" \
    -e "s|@TM_SLOTS@|${SLUICE_FLINK_TM_SLOTS:-2}|" "$TEMPLATES/config.yaml.in" >"$CONF/config.yaml"

  log "starting Flink $VERSION: JobManager, $taskmanagers TaskManager(s), SQL Gateway on 127.0.0.1"
  local jm tm
  mapfile -t jm < <(resource_params GET_JM_RESOURCE_PARAMS)
  mapfile -t tm < <(resource_params GET_TM_RESOURCE_PARAMS)
  [ ${#jm[@]} -eq 2 ] && [ ${#tm[@]} -eq 2 ] || die "BashJavaUtils printed no resource params (log: ${LOGS#"$ROOT"/}/bash-java-utils.log)"
  # shellcheck disable=SC2086 # the dynamic configs are "-D key=value" pairs, split on purpose
  launch jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint "${jm[0]}" --configDir "$CONF" ${jm[1]}
  local i
  for i in $(seq 1 "$taskmanagers"); do
    # shellcheck disable=SC2086
    launch "taskmanager-$i" org.apache.flink.runtime.taskexecutor.TaskManagerRunner "${tm[0]}" --configDir "$CONF" ${tm[1]}
  done
  launch sql-gateway org.apache.flink.table.gateway.SqlGateway "-Xms128m -Xmx${SLUICE_FLINK_GATEWAY_HEAP:-384m}"
  wait_for "the JobManager's REST API" http_ok "http://127.0.0.1:$(cat "$RUN/rest-port")/config"
  wait_for "$taskmanagers TaskManager(s)" taskmanagers_registered "$taskmanagers"
  wait_for "the SQL Gateway" http_ok "http://127.0.0.1:$(cat "$RUN/gateway-port")/v3/info"
  print_urls
}

stop_role() {
  local role="$1" pid deadline
  if ! is_running_role "$role"; then rm -f "$RUN/$role.pid"; return 0; fi
  pid="$(cat "$RUN/$role.pid")"
  kill -TERM "$pid"
  deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "Flink $role (pid $pid) did not stop within 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$RUN/$role.pid"
}

stop() {
  [ -d "$RUN" ] || return 0
  local role any=""
  for role in $(roles); do is_running_role "$role" && any=1; done
  [ -z "$any" ] || log "stopping Flink $VERSION"
  # The gateway first (it talks to the JobManager), TaskManagers before the JobManager.
  stop_role sql-gateway
  for role in $(roles | grep '^taskmanager-' || true); do stop_role "$role"; done
  stop_role jobmanager
}

status() {
  local role code=0
  [ -f "$LIBS/.complete" ] || { echo "flink $VERSION not installed"; return 3; }
  for role in $(roles); do
    if is_running_role "$role"; then
      echo "flink $VERSION $role running (pid $(cat "$RUN/$role.pid"))"
    else
      echo "flink $VERSION $role not running"
      code=3
    fi
  done
  [ "$code" -ne 0 ] || print_urls | paste -sd' ' | sed 's/^/flink '"$VERSION"' gateway+dashboard: /'
  return $code
}

with_lock() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock 9
  "$@"
}

command="${1:-}"
[ $# -gt 0 ] && shift
version=""
taskmanagers="${SLUICE_FLINK_TASKMANAGERS:-1}"
rest_url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --taskmanagers) taskmanagers="${2:?--taskmanagers needs a number}"; shift 2 ;;
    --taskmanagers=*) taskmanagers="${1#*=}"; shift ;;
    rest) rest_url=1; shift ;;
    *) version="$1"; shift ;;
  esac
done
[[ "$taskmanagers" =~ ^[1-9][0-9]*$ ]] || die "--taskmanagers must be a positive number"
set_paths "$(resolve_version "$version")"
case "$command" in
  install) with_lock install ;;
  start) with_lock start "$taskmanagers" ;;
  url)
    is_running_role jobmanager && is_running_role sql-gateway || die "Flink $VERSION is not running (scripts/flink.sh start)"
    # Not `print_urls | head`: with pipefail, head closing the pipe early made `url` exit 141 (SIGPIPE).
    if [ -n "$rest_url" ]; then echo "http://127.0.0.1:$(cat "$RUN/rest-port")"; else echo "http://127.0.0.1:$(cat "$RUN/gateway-port")"; fi
    ;;
  status) status ;;
  stop) with_lock stop ;;
  clean) with_lock stop; rm -rf "$RUN"; log "deleted ${RUN#"$ROOT"/}" ;;
  *)
    sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
