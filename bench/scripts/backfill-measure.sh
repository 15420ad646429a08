#!/usr/bin/env bash
# Backfill rate: app (ingest role) on a fresh database, server-side import of a UserBehavior file, then client-side.
# usage: bench/scripts/backfill-measure.sh APPDIR FILE TAG-PREFIX  (run from the repository root after ./mvnw -DskipTests package;
#        needs /tmp/ub200k.csv: collectors/logs generate-userbehavior --rows 200000 --out /tmp/ub200k.csv)
# Optional environment: APP_OPTS (extra JVM options for the app, e.g. a flight recording), COLLECTOR_JAR (default: this
# checkout's collectors/logs jar), CLIENT=0 (skip the client-side run), RERUN=0 (skip the re-run), AFTER_START_SQL
# (run on the fresh database once the app is ready, e.g. to compare schemas with one build).
# PostgreSQL CPU counts the server's auxiliary processes (checkpointer, walwriter, ...) and the backends connected to
# this script's database only, so other databases' work on a shared server is not charged to the import.
set -u
REPO=$(pwd)
APPDIR=$1; FILE=$2; T=$3
DB=bf_measure
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $DB" -c "create database $DB" >/dev/null 2>&1
cd /tmp
QUARKUS_HTTP_PORT=18732 FOOTFALL_BOOTSTRAP_WRITE_KEY=bench-key FOOTFALL_BOOTSTRAP_ADMIN=admin:adminpass FOOTFALL_ROLES=ingest \
  QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$DB QUARKUS_DATASOURCE_USERNAME=postgres \
  java -XX:-TieredCompilation ${APP_OPTS:-} -jar $APPDIR/quarkus-run.jar > /tmp/bf-measure-app.log 2>&1 &
APP=$!
for i in $(seq 1 90); do curl -sf localhost:18732/q/health/ready >/dev/null && break; sleep 1; done
[ -z "${AFTER_START_SQL:-}" ] || psql -h 127.0.0.1 -U postgres -d $DB -qc "$AFTER_START_SQL"
J="java -jar ${COLLECTOR_JAR:-$REPO/collectors/logs/target/footfall-collector-logs.jar}"
export FOOTFALL_URL=http://127.0.0.1:18732 FOOTFALL_WRITE_KEY=bench-key
cpu(){ awk '{print $14+$15}' /proc/$1/stat; }
pgcpu(){ for p in $(pgrep -u postgres); do
    case "$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null)" in
      *" $DB "*|*checkpointer*|*"background writer"*|*walwriter*|*autovacuum*|*/bin/postgres*) awk '{print $14+$15}' /proc/$p/stat 2>/dev/null;;
    esac; done | awk '{s+=$1} END{print s}'; }
run(){ # label, args...
  local label=$1; shift
  local a0=$(cpu $APP) p0=$(pgcpu) t0=$(date +%s.%N)
  local out; out=$( { /usr/bin/time -f "COLLECTOR %U %S" $J "$@" 2>&1 >&3 | grep COLLECTOR; } 3>&1 )
  local t1=$(date +%s.%N) a1=$(cpu $APP) p1=$(pgcpu)
  echo "$label: $(echo "$out" | grep -v COLLECTOR | head -1)"
  local ev=$(echo "$out" | grep -o '[0-9,]* events (' | head -1 | tr -d ', (events')
  local col=$(echo "$out" | grep COLLECTOR | awk '{print $2+$3}')
  python3 -c "ev=$ev; w=$t1-$t0; print(f'   wall {w:.1f} s, {ev/w:,.0f} events/s; CPU per event: app {($a1-$a0)*1e4/ev:.1f} us, PostgreSQL {($p1-$p0)*1e4/ev:.1f} us, collector {$col*1e6/ev:.1f} us; load average $(cut -d' ' -f1-3 /proc/loadavg)')"
}
run "warm-up (server, 200k)" backfill --server --format userbehavior --tag $T-warm /tmp/ub200k.csv
run "server-side, 1M rows" backfill --server --format userbehavior --tag $T-s1 $FILE
run "server-side, 1M rows, again (new tag)" backfill --server --format userbehavior --tag $T-s2 $FILE
[ "${RERUN:-1}" = 0 ] || run "server-side, re-run (all already there)" backfill --server --format userbehavior --tag $T-s2 $FILE
[ "${CLIENT:-1}" = 0 ] || run "client-side, 200k rows (--gzip false)" backfill --format userbehavior --gzip false --tag $T-c1 /tmp/ub200k.csv
kill $APP; wait $APP 2>/dev/null
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $DB" >/dev/null 2>&1
