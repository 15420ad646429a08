#!/usr/bin/env bash
# What each plugin's fold asks of PostgreSQL: replays the plugins one at a time through the API of a running Footfall
# and prints, per plugin, the transactions and plugin-state reads/writes counted by PostgreSQL during the replay.
# Counters are reset before each replay (pg_stat_reset), so run it against a database nothing else uses.
#
#   BASE=http://localhost:8099 AUTH=admin:secret DB=footfall bench/scripts/plugin-replay-counts.sh [plugin ...]
#
# PGHOST/PGPORT/PGUSER as for psql (default 127.0.0.1, 5432, postgres). See docs/benchmarks.md.
set -euo pipefail
BASE=${BASE:-http://localhost:8080}
AUTH=${AUTH:?admin user:password}
DB=${DB:?the app database}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
plugins=("$@")
[ ${#plugins[@]} -gt 0 ] || plugins=(category-affinity churn recommender basket-rules segmentation)
sql() { psql -d "$DB" -Atc "$1"; }
for p in "${plugins[@]}"; do
  sql "SELECT pg_stat_reset()" >/dev/null
  started=$(date +%s)
  curl -sf -u "$AUTH" -X POST "$BASE/api/v1/plugins/$p/replay" >/dev/null
  lag=""
  for _ in $(seq 1 600); do
    sleep 2
    lag=$(curl -sf -u "$AUTH" "$BASE/api/v1/plugins/$p" | python3 -c "import sys, json; print(json.load(sys.stdin).get('lag'))")
    [ "$lag" = "0" ] && break
  done
  counts=$(sql "SELECT coalesce(sum(idx_scan) FILTER (WHERE relname = 'plugin_state'), 0) || ' state index scans, '
      || coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) FILTER (WHERE relname = 'plugin_state'), 0) || ' state writes, '
      || coalesce(sum(n_tup_ins + n_tup_upd) FILTER (WHERE relname = 'plugin_result'), 0) || ' result writes'
      FROM pg_stat_user_tables")
  xacts=$(sql "SELECT xact_commit FROM pg_stat_database WHERE datname = '$DB'")
  echo "$p: $(( $(date +%s) - started )) s until lag $lag; $xacts transactions; $counts"
done
