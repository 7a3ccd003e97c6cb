#!/usr/bin/env bash
# What a MONITOR costs the other clients: redis-benchmark SET and GET (50 clients, 100 B,
# -r 100000, pipeline 1 and 16) against Redis, kv-server and kv-proxy→kv-server, each without a
# monitor and with `redis-cli MONITOR` attached (reading everything into /dev/null), alternated.
# See bench/README.md.
#
#   bench/monitor.sh [--quick]     (quick: fewer requests, pipeline 1 only)
set -uo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
parse_mode 2,7 "$@"

ensure_tools
ensure_jars kv-server/target/kv-server.jar kv-proxy/target/kv-proxy.jar

next_port REDIS_PORT; next_port KV_PORT; next_port KV_HTTP; next_port PROXY_PORT; next_port PROXY_HTTP
start_redis "$REDIS_PORT" "$WORK/redis"; REDIS_PID=$BG_PID
start_kv_server "$KV_PORT" "$KV_HTTP" "$WORK/kv-data"; KV_PID=$BG_PID
wait_ping "$REDIS_PORT" "$REDIS_PID" 20 || { log "Redis did not start"; exit 1; }
wait_ping "$KV_PORT" "$KV_PID" 180 "$KV_HTTP" || { log "kv-server did not start"; exit 1; }
start_kv_proxy "$PROXY_PORT" "$PROXY_HTTP" "$KV_PORT"; PROXY_PID=$BG_PID
wait_ping "$PROXY_PORT" "$PROXY_PID" 180 "$PROXY_HTTP" || { log "kv-proxy did not start"; exit 1; }

if [ "$MODE" = quick ]; then N1=30000; N16=0; PIPELINES=(1); else N1=100000; N16=400000; PIPELINES=(1 16); fi
for port in "$REDIS_PORT" "$KV_PORT" "$PROXY_PORT"; do # warm-up
    redis-benchmark -p "$port" -c 50 -t set,get -d 100 -r 100000 -n 20000 -q >/dev/null 2>&1
done

run() { # PORT PIPELINE -> "set-rps set-p99 get-rps get-p99"
    local n=$(( $2 == 1 ? N1 : N16 ))
    timeout 300 redis-benchmark -p "$1" -c 50 -t set,get -d 100 -r 100000 -P "$2" -n "$n" --csv 2>/dev/null |
        awk -F, 'NR > 1 { gsub(/"/, ""); printf "%.0f %s ", $2, $7 }'
}
with_monitor() { # PORT PIPELINE: run() with redis-cli MONITOR attached
    redis-cli -p "$1" MONITOR >/dev/null 2>&1 &
    local monitor=$!
    sleep 0.5
    run "$1" "$2"
    kill "$monitor" 2>/dev/null; wait "$monitor" 2>/dev/null
}
ROWS=""
for p in "${PIPELINES[@]}"; do
    for target in "Redis:$REDIS_PORT" "kv-server:$KV_PORT" "kv-proxy:$PROXY_PORT"; do
        name=${target%%:*}; port=${target##*:}
        read -r s0 s099 g0 g099 <<<"$(run "$port" "$p")"
        read -r s1 s199 g1 g199 <<<"$(with_monitor "$port" "$p")"
        row=$(awk -v t="$name" -v p="$p" -v s0="$s0" -v s099="$s099" -v g0="$g0" -v g099="$g099" \
            -v s1="$s1" -v s199="$s199" -v g1="$g1" -v g199="$g199" 'BEGIN {
            printf "| %s | %s | %.1fk · %s | %.1fk · %s | %.2f× | %.1fk · %s | %.1fk · %s | %.2f× |",
                t, p, s0 / 1000, s099, s1 / 1000, s199, s1 / s0, g0 / 1000, g099, g1 / 1000, g199, g1 / g0 }')
        log "$row"
        ROWS="$ROWS$row"$'\n'
    done
done

SHORT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
OUT="$ROOT/bench/results/$(date -u +%F)-$SHORT-monitor${MODE/full/}.md"
OUT=${OUT/-monitorquick/-monitor-quick}
{
    echo "# What a MONITOR costs: $(date -u +%F), commit $SHORT"
    echo
    machine_header
    echo
    echo "redis-benchmark, 50 clients, 100 B values. Cells: requests/s · p99 ms, without a monitor, then"
    echo "with \`redis-cli MONITOR\` attached; the ratio is with/without (one run each, in that order)."
    echo
    echo "| target | pipeline | SET without | SET with MONITOR | ratio | GET without | GET with MONITOR | ratio |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s' "$ROWS"
} >"$OUT"
echo
cat "$OUT"
