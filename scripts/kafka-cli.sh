#!/usr/bin/env bash
# Kafka's own command-line tools, run against the test brokers as oracles for what a topic holds:
#
#   scripts/kafka-cli.sh console-consumer ARGS…   as kafka-console-consumer.sh ARGS…
#
# e.g. scripts/kafka-cli.sh console-consumer --bootstrap-server "$(scripts/kafka.sh bootstrap)" \
#        --topic out --from-beginning --timeout-ms 5000 --consumer-property isolation.level=read_committed
#
# Version: $SLUICE_KAFKA_VERSION, else 3.9.2 (the broker's jars from scripts/kafka.sh install give the
# classpath). The tools module (org.apache.kafka:kafka-tools, not a broker dependency) is resolved
# from Maven Central once into .cache/kafka/<version>/tools.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="${SLUICE_KAFKA_VERSION:-3.9.2}"
DIR="$ROOT/.cache/kafka/$VERSION"
TOOLS="$DIR/tools"

die() { echo "kafka-cli.sh: $*" >&2; exit 1; }

[ -f "$DIR/libs/.complete" ] || bash "$ROOT/scripts/kafka.sh" install "$VERSION" >&2
if [ ! -f "$TOOLS/.complete" ]; then
  command -v mvn >/dev/null || die "Maven (mvn) is needed to download kafka-tools $VERSION"
  mkdir -p "$TOOLS"
  # Only the tools jar: its dependencies are the broker's, already in libs/.
  cat >"$TOOLS/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>dev.sluice</groupId><artifactId>kafka-tools-$VERSION</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies><dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$VERSION</version>
    <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions></dependency></dependencies>
</project>
POM
  mvn -B -q -Dstyle.color=never -f "$TOOLS/pom.xml" dependency:copy-dependencies -DoutputDirectory="$TOOLS/libs" >"$TOOLS/install.log" 2>&1 \
    || { tail -n 20 "$TOOLS/install.log" >&2; die "could not resolve org.apache.kafka:kafka-tools:$VERSION"; }
  touch "$TOOLS/.complete"
fi

tool="${1:-}"
shift || true
case "$tool" in
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  *) die "usage: kafka-cli.sh console-consumer ARGS… (got '${tool}')" ;;
esac
# Quiet logging: stdout is the tool's output, read by tests. Kafka 3.x logs through log4j 1 (no
# configuration: silent), 4.x through log4j 2, whose default configuration logs errors to stdout:
# its log goes to stderr here.
LOG4J2="$TOOLS/log4j2-stderr.properties"
[ -f "$LOG4J2" ] || cat >"$LOG4J2" <<'PROPS'
status = off
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = STDERR
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %d{HH:mm:ss.SSS} %-5level %c - %m%n
PROPS
exec java -Xmx256m -Dlog4j.configuration=file:/dev/null -Dlog4j2.configurationFile="$LOG4J2" -cp "$TOOLS/libs/*:$DIR/libs/*" "$main" "$@"
