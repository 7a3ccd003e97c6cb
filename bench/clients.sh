#!/usr/bin/env bash
# How kv-server and Redis scale with the number of connections: redis-benchmark SET and GET
# (100 B, -r 100000) at pipeline 16 and 1 with 50, 8 and 2 clients, Redis and kv-server in turn.
# A diagnostic for the thread-per-connection design and RocksDB's concurrent writers, not part
# of the issue's table. See bench/README.md.
#
#   bench/clients.sh [CLIENTS...]     (default: 50 8 2)
set -uo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(50 8 2)
ensure_tools
ensure_jars kv-server/target/kv-server.jar

next_port REDIS_PORT; next_port KV_PORT; next_port KV_HTTP
start_redis "$REDIS_PORT" "$WORK/redis"; REDIS_PID=$BG_PID
start_kv_server "$KV_PORT" "$KV_HTTP" "$WORK/kv-data"; KV_PID=$BG_PID
wait_ping "$REDIS_PORT" "$REDIS_PID" 20 || { log "Redis did not start"; exit 1; }
wait_ping "$KV_PORT" "$KV_PID" 120 "$KV_HTTP" || { log "kv-server did not start"; exit 1; }
for port in "$REDIS_PORT" "$KV_PORT"; do
    redis-benchmark -p "$port" -c 50 -t set,get -d 100 -r 100000 -P 16 -n 300000 -q >/dev/null 2>&1
done

run() { # PORT CLIENTS PIPELINE -> "set-rps set-p99 get-rps get-p99"
    local n=$(( $3 == 1 ? 60000 : 300000 ))
    timeout 300 redis-benchmark -p "$1" -c "$2" -t set,get -d 100 -r 100000 -P "$3" -n "$n" --csv 2>/dev/null |
        awk -F, 'NR > 1 { gsub(/"/, ""); printf "%.0f %s ", $2, $7 }'
}
ROWS=""
for c in "${COUNTS[@]}"; do
    for p in 16 1; do
        read -r rs rs99 rg rg99 <<<"$(run "$REDIS_PORT" "$c" "$p")"
        read -r ks ks99 kg kg99 <<<"$(run "$KV_PORT" "$c" "$p")"
        row=$(awk -v c="$c" -v p="$p" -v rs="$rs" -v rs99="$rs99" -v rg="$rg" -v rg99="$rg99" \
            -v ks="$ks" -v ks99="$ks99" -v kg="$kg" -v kg99="$kg99" 'BEGIN {
            printf "| %s | %s | %.1fk · %s | %.1fk · %s | %.2f× | %.1fk · %s | %.1fk · %s | %.2f× |",
                c, p, rs / 1000, rs99, ks / 1000, ks99, ks / rs, rg / 1000, rg99, kg / 1000, kg99, kg / rg }')
        log "$row"
        ROWS="$ROWS$row"$'\n'
    done
done

SHORT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
OUT="$ROOT/bench/results/$(date -u +%F)-$SHORT-clients.md"
{
    echo "# kv-server vs Redis by number of clients: $(date -u +%F), commit $SHORT"
    echo
    machine_header
    echo
    echo "Cells: requests/s · p99 ms (one run each, Redis then kv-server)."
    echo
    echo "| clients | pipeline | SET Redis | SET kv-server | ratio | GET Redis | GET kv-server | ratio |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s' "$ROWS"
} >"$OUT"
echo
cat "$OUT"
log "saved $OUT"
