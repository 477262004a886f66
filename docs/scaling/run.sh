#!/bin/sh
# Reproduces the figures in docs/SCALING.md: twenty clients (tables) racing for one shared
# drop and for the same claim codes on one PostgreSQL, each way the gate could be ported.
# Run as a user PostgreSQL accepts (not root). Makes a throwaway cluster under $TMPDIR, and
# stops and deletes it at the end. PG_BIN: the folder of initdb/pg_ctl (found on PATH else).
# SECS: seconds per throughput run (default 15); RUNS: sell-out repetitions (default 5).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PG_BIN=${PG_BIN:-$(dirname "$(command -v initdb || echo /usr/lib/postgresql/15/bin/initdb)")}
SECS=${SECS:-15}
RUNS=${RUNS:-5}
CLIENTS=20
PORT=${PORT:-55433}
work=$(mktemp -d "${TMPDIR:-/tmp}/encore-scaling.XXXXXX")
export PGHOST="$work" PGPORT="$PORT" PGDATABASE=postgres PGUSER="$(id -un)"

stop() {
    "$PG_BIN/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap stop EXIT INT TERM

"$PG_BIN/initdb" -D "$work/data" -A trust -U "$PGUSER" >"$work/initdb.log"
# Defaults kept where they matter: fsync and synchronous_commit on, as Encore's synchronous=FULL.
"$PG_BIN/pg_ctl" -D "$work/data" -l "$work/pg.log" -w \
    -o "-p $PORT -k $work -c listen_addresses= -c max_connections=60" start >/dev/null
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $("$PG_BIN/postgres" --version)"

load() { # units codes
    psql -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -v units="$1" -v codes="$2" -f "$here/schema.sql" >/dev/null
}

# pgbench with a per-transaction log; prints tps, latency p50/p95/p99 (ms), and failures/retries.
bench() { # script, extra pgbench args…
    script=$1; shift
    rm -f "$work"/log.*
    out=$(pgbench -n -c "${C:-$CLIENTS}" -j 2 "$@" -f "$here/$script" -l --log-prefix="$work/log" 2>&1) \
        || { echo "$out" >&2; exit 1; }
    tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    failed=$(echo "$out" | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p')
    retried=$(echo "$out" | sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p')
    pct=$(cat "$work"/log.* | awk '{print $3}' | sort -n | awk '
        { v[NR] = $1 } END {
          printf "%.1f %.1f %.1f", v[int(NR*0.50)+1]/1000, v[int(NR*0.95)+1]/1000, v[int(NR*0.99)+1]/1000 }')
    echo "$tps $pct ${failed:-0} ${retried:-0}"
}

q() { psql -qAt -c "$1"; }

echo
echo "## Throughput: every transaction sells one unit ($CLIENTS clients unless said, ${SECS}s each)"
echo "case | tps | p50 ms | p95 ms | p99 ms | failed | retried"
run_hot() { # label script offer global extra…
    label=$1 script=$2 offer=$3 global=$4; shift 4
    load 100000000 1
    r=$(bench "$script" -T "$SECS" -D offer="$offer" -D global="$global" "$@")
    echo "$label | $(echo "$r" | tr ' ' '|' | sed 's/|/ | /g')"
}
C=1 run_hot "1 client: shared drop, conditional UPDATE" sell_conditional.sql 1 0
run_hot "shared drop, conditional UPDATE" sell_conditional.sql 1 0
run_hot "shared drop at 20 sales/s in all (-R 20), conditional UPDATE" sell_conditional.sql 1 0 -R 20
run_hot "shared drop, SELECT FOR UPDATE" sell_forupdate.sql 1 0
run_hot "shared drop, SERIALIZABLE + retries" sell_serializable.sql 1 0 --max-tries=1000
run_hot "drop in per-table allotments, conditional UPDATE" sell_allotment.sql 1 0
run_hot "unlimited item (no stock row), chain per table" sell_unlimited.sql 2 0
run_hot "unlimited item (no stock row), one festival chain" sell_unlimited.sql 2 1

echo
echo "## Sell-out: $CLIENTS clients x 100 attempts race for the last 1000 units, $RUNS runs each"
echo "case | run | sold | remaining | orders | duplicate receipt numbers | tps"
for script in sell_conditional.sql sell_forupdate.sql sell_serializable.sql sell_allotment.sql; do
    extra=""
    [ "$script" = sell_serializable.sql ] && extra="--max-tries=1000"
    i=1
    while [ "$i" -le "$RUNS" ]; do
        load 1000 1
        r=$(bench "$script" -t 100 -D offer=1 -D global=0 $extra)
        sold=$(q "SELECT coalesce(sum(qty), 0) FROM order_lines WHERE offer_id = 1")
        orders=$(q "SELECT count(*) FROM orders")
        dup=$(q "SELECT count(*) - count(DISTINCT (station_id, receipt_seq)) FROM orders")
        # The allotment case sells from the allotments; the others from offers.remaining.
        left=$(q "SELECT remaining FROM offers WHERE id = 1")
        [ "$script" = sell_allotment.sql ] && left=$(q "SELECT sum(remaining) FROM allotments")
        verdict=OK
        [ "$sold" = 1000 ] && [ "$left" = 0 ] && [ "$orders" = 1000 ] || verdict=WRONG
        echo "$script | $i | $sold $verdict | $left | $orders | $dup | ${r%% *}"
        i=$((i + 1))
    done
done

echo
echo "## Redemption: $CLIENTS clients x 200 scans of 300 one-unit codes, $RUNS runs each"
echo "case | run | codes redeemed | redemptions | codes redeemed twice or more | tps"
for script in redeem_naive.sql redeem_guarded.sql; do
    i=1
    while [ "$i" -le "$RUNS" ]; do
        load 0 300
        r=$(bench "$script" -t 200 -D codes=300)
        codes=$(q "SELECT count(DISTINCT claim_id) FROM redemptions")
        total=$(q "SELECT count(*) FROM redemptions")
        twice=$(q "SELECT count(*) FROM (SELECT claim_id FROM redemptions GROUP BY claim_id HAVING count(*) > 1) d")
        echo "$script | $i | $codes | $total | $twice | ${r%% *}"
        i=$((i + 1))
    done
done
