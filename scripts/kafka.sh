#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, no ZooKeeper) on 127.0.0.1 for tests and demos,
# run from Maven Central jars that are downloaded once into .cache/kafka/<version>/.
#
#   scripts/kafka.sh install   [VERSION]   resolve the broker jars (no-op when cached)
#   scripts/kafka.sh start     [VERSION]   install, format storage once, start, wait until it answers;
#                                          prints host:port on stdout
#   scripts/kafka.sh stop      [VERSION]   stop that broker (default: every broker this script started)
#   scripts/kafka.sh status    [VERSION]   one line per broker; exit 0 if (that) broker runs, 3 if not
#   scripts/kafka.sh bootstrap [VERSION]   print host:port of the running broker; exit 1 if none
#   scripts/kafka.sh bootstrap-sasl [VERSION]  the same for its SASL_PLAINTEXT listener (PLAIN user
#                                          sluice / sluice-secret; SCRAM users created by clients)
#   scripts/kafka.sh clean     [VERSION]   stop and delete the broker's data (the jars stay)
#
# VERSION: a full version (3.9.2, 4.4.0) or an alias: 3 / 3.9 -> 3.9.2, 4 / 4.x -> 4.4.0.
# Default: $SLUICE_KAFKA_VERSION, else 3.9.2. Each version has its own data dir and port, so a
# 3.9 and a 4.x broker can run side by side. The port is chosen once (free port, or
# $SLUICE_KAFKA_PORT) and kept, so a restarted broker comes back where clients expect it.
# SLUICE_KAFKA_INSTANCE=NAME: a separate broker of that version (own data dir, ports and lock), for
# a test that kills and restarts a broker without touching the one other tests share.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TEMPLATES="$ROOT/scripts/kafka"
CACHE_ROOT="$ROOT/.cache/kafka"
START_TIMEOUT="${SLUICE_KAFKA_START_TIMEOUT:-90}"

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }

INSTANCE="${SLUICE_KAFKA_INSTANCE:-}"
[[ "$INSTANCE" =~ ^[A-Za-z0-9_-]*$ ]] || die "SLUICE_KAFKA_INSTANCE must be letters, digits, - or _"

resolve_version() {
  local v="${1:-${SLUICE_KAFKA_VERSION:-3.9.2}}"
  case "$v" in
    3 | 3.9 | 3.9.x) echo 3.9.2 ;;
    4 | 4.x | latest) echo 4.4.0 ;;
    [0-9]*.[0-9]*.[0-9]*) echo "$v" ;;
    *) die "unknown Kafka version '$v': use e.g. 3.9.2, 4.4.0, 3.9 or 4" ;;
  esac
}

set_paths() {
  VERSION="$1"
  DIR="$CACHE_ROOT/$VERSION"
  LIBS="$DIR/libs"
  RUN="$DIR/run${INSTANCE:+-$INSTANCE}"
  PID_FILE="$RUN/kafka.pid"
  PORT_FILE="$RUN/port"
}

major() { echo "${VERSION%%.*}"; }

# Kafka 3.x logs through slf4j 1.7 + reload4j (what its own distribution ships); 4.x moved to log4j2.
logging_dependencies() {
  if [ "$(major)" -ge 4 ]; then
    printf '    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version></dependency>\n'
    printf '    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>\n'
  else
    printf '    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>\n'
  fi
}

install() {
  [ -f "$LIBS/.complete" ] && return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed to download Kafka $VERSION"
  command -v java >/dev/null || die "Java 17+ is needed to run Kafka $VERSION"
  mkdir -p "$DIR"
  local deps
  deps="$(logging_dependencies)"
  # awk, not sed: the dependency block spans lines and contains slashes.
  awk -v v="$VERSION" -v deps="$deps" '{ gsub(/@KAFKA_VERSION@/, v); if ($0 ~ /@LOGGING_DEPENDENCIES@/) print deps; else print }' \
    "$TEMPLATES/pom.xml.in" >"$DIR/pom.xml"
  log "downloading Kafka $VERSION from Maven Central (once) into ${LIBS#"$ROOT"/}"
  rm -rf "$LIBS"
  mvn -B --strict-checksums -Dstyle.color=never -f "$DIR/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS" \
    >"$DIR/install.log" 2>&1 || { tail -n 40 "$DIR/install.log" >&2; die "could not resolve org.apache.kafka:kafka_2.13:$VERSION from Maven Central"; }
  [ -n "$(ls "$LIBS"/kafka_2.13-*.jar 2>/dev/null)" ] || die "Kafka $VERSION resolved but kafka_2.13 jar is missing in $LIBS"
  touch "$LIBS/.complete"
}

is_running() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  # A pid can be reused after a reboot: also check it is our java process.
  kill -0 "$pid" 2>/dev/null && grep -q "kafka.Kafka" "/proc/$pid/cmdline" 2>/dev/null
}

# Sends an ApiVersions v0 request (correlation id 7) and checks the reply's correlation id: the
# broker only processes requests once its startup (metadata catch-up included) has finished.
answers() {
  local port="$1" reply
  reply="$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x07\x00\x00" >&3
    head -c 8 <&3 | od -An -tx1' _ "$port" 2>/dev/null)" || return 1
  [ "$(echo $reply | cut -d' ' -f5-8)" = "00 00 00 07" ]
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

port_is_free() {
  node -e 'const s = require("net").createServer(); s.once("error", () => process.exit(1)); s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close());' "$1"
}

# The port saved in file $1 by an earlier start if it is still free (clients expect it), else a free one.
saved_or_free_port() {
  if [ -f "$1" ] && port_is_free "$(cat "$1")"; then cat "$1"; else free_port; fi
}

start() {
  install
  mkdir -p "$RUN/logs"
  if is_running; then
    answers "$(cat "$PORT_FILE")" || wait_until_ready
    echo "127.0.0.1:$(cat "$PORT_FILE")"
    return 0
  fi
  local port controller_port sasl_port
  if [ -n "${SLUICE_KAFKA_PORT:-}" ]; then
    port="$SLUICE_KAFKA_PORT"
  else
    port="$(saved_or_free_port "$PORT_FILE")"
  fi
  port_is_free "$port" || die "port $port is taken; set SLUICE_KAFKA_PORT to another one"
  controller_port="$(saved_or_free_port "$RUN/controller-port")"
  [ "$controller_port" != "$port" ] || controller_port="$(free_port)"
  sasl_port="$(saved_or_free_port "$RUN/sasl-port")"
  while [ "$sasl_port" = "$port" ] || [ "$sasl_port" = "$controller_port" ]; do sasl_port="$(free_port)"; done
  echo "$port" >"$PORT_FILE"
  echo "$controller_port" >"$RUN/controller-port"
  echo "$sasl_port" >"$RUN/sasl-port"
  sed -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$controller_port|g" -e "s|@SASL_PORT@|$sasl_port|g" -e "s|@DATA_DIR@|$RUN/data|g" \
    "$TEMPLATES/server.properties.in" >"$RUN/server.properties"

  local java_opts=(-Xms256m "-Xmx${SLUICE_KAFKA_HEAP:-1g}" -XX:+UseG1GC -Djava.awt.headless=true
    "-Dkafka.logs.dir=$RUN/logs" "-Dlog4j.configuration=file:$TEMPLATES/log4j.properties"
    "-Dlog4j2.configurationFile=$TEMPLATES/log4j2.properties" -cp "$LIBS/*")
  if [ ! -f "$RUN/data/meta.properties" ]; then
    # A Kafka cluster id is 16 random bytes in unpadded base64url; making it here saves a JVM start.
    # "--cluster-id=": an id that starts with "-" (1 in 64) is otherwise read as an option.
    # SLUICE_KAFKA_CLUSTER_ID pins the id (the test for that case).
    local cluster_id="${SLUICE_KAFKA_CLUSTER_ID:-}"
    [ -n "$cluster_id" ] || cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    java "${java_opts[@]}" kafka.tools.StorageTool format "--cluster-id=$cluster_id" -c "$RUN/server.properties" \
      >"$RUN/logs/format.log" 2>&1 || { cat "$RUN/logs/format.log" >&2; die "formatting storage for Kafka $VERSION failed"; }
  fi
  log "starting Kafka $VERSION on 127.0.0.1:$port"
  # setsid: the broker must outlive the shell or test runner that started it (and its signals).
  # 9>&-: the lock fd must not be inherited, or the broker would hold the lock for its lifetime.
  setsid nohup java "${java_opts[@]}" kafka.Kafka "$RUN/server.properties" >"$RUN/logs/stdout.log" 2>&1 </dev/null 9>&- &
  local launcher=$! pid=""
  # setsid forks when it leads its process group (a caller with job control), so $! may be a
  # process that is already gone: find the broker by its own config path instead.
  for _ in $(seq 1 50); do
    pid="$(pgrep -f "kafka.Kafka $RUN/server.properties" | head -n 1)" && [ -n "$pid" ] && break
    sleep 0.1
  done
  echo "${pid:-$launcher}" >"$PID_FILE"
  wait_until_ready
  echo "127.0.0.1:$port"
}

wait_until_ready() {
  local port deadline
  port="$(cat "$PORT_FILE")"
  deadline=$((SECONDS + START_TIMEOUT))
  until answers "$port"; do
    if ! is_running; then
      tail -n 30 "$RUN/logs/stdout.log" "$RUN/logs/server.log" >&2 2>/dev/null || true
      rm -f "$PID_FILE"
      die "Kafka $VERSION exited during startup (logs in ${RUN#"$ROOT"/}/logs)"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "Kafka $VERSION did not answer on 127.0.0.1:$port within ${START_TIMEOUT}s (logs in ${RUN#"$ROOT"/}/logs)"
    sleep 0.3
  done
}

stop() {
  is_running || { rm -f "$PID_FILE"; return 0; }
  local pid deadline
  pid="$(cat "$PID_FILE")"
  log "stopping Kafka $VERSION (pid $pid)"
  kill -TERM "$pid"
  # A single-node controlled shutdown takes a few seconds; SIGKILL only if it hangs.
  deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "Kafka $VERSION did not stop within 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
}

status() {
  if is_running; then
    echo "kafka $VERSION running (pid $(cat "$PID_FILE")) at 127.0.0.1:$(cat "$PORT_FILE")"
  else
    echo "kafka $VERSION not running$([ -f "$LIBS/.complete" ] && echo ", installed" || echo ", not installed")"
    return 3
  fi
}

# Versions with a cache dir, for commands given no version.
known_versions() {
  [ -d "$CACHE_ROOT" ] || return 0
  find "$CACHE_ROOT" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort
}

# Serializes install/start/stop of one version across concurrently started test files.
with_lock() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock${INSTANCE:+-$INSTANCE}"
  flock 9
  "$@"
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  install | start)
    set_paths "$(resolve_version "${1:-}")"
    with_lock "$command"
    ;;
  bootstrap)
    set_paths "$(resolve_version "${1:-}")"
    is_running || die "Kafka $VERSION is not running (scripts/kafka.sh start $VERSION)"
    echo "127.0.0.1:$(cat "$PORT_FILE")"
    ;;
  bootstrap-sasl)
    set_paths "$(resolve_version "${1:-}")"
    is_running || die "Kafka $VERSION is not running (scripts/kafka.sh start $VERSION)"
    grep -q '^listeners=.*SASL_PLAINTEXT' "$RUN/server.properties" ||
      die "Kafka $VERSION was started without the SASL listener: scripts/kafka.sh stop $VERSION, then start it again"
    echo "127.0.0.1:$(cat "$RUN/sasl-port")"
    ;;
  stop | status | clean)
    if [ -n "${1:-}" ]; then versions=("$(resolve_version "$1")"); else mapfile -t versions < <(known_versions); fi
    code=3
    for v in "${versions[@]}"; do
      set_paths "$v"
      case "$command" in
        stop) with_lock stop; code=0 ;;
        clean) with_lock stop; rm -rf "$RUN"; log "deleted ${RUN#"$ROOT"/}"; code=0 ;;
        status) if status; then code=0; fi ;;
      esac
    done
    if [ "$command" = status ] && [ ${#versions[@]} -eq 0 ]; then echo "kafka: nothing installed"; fi
    [ "$command" != status ] || exit $code
    ;;
  *)
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
