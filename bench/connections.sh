#!/usr/bin/env bash
# Connections at scale: N idle connections (default 10,000) opened to kv-server and to Redis,
# then to kv-proxy and to twemproxy (both in front of one Redis): the time to open them all (each
# accepted and answering a PING) and the resident memory each idle connection costs (RSS growth /
# N). JVM targets are measured twice: as they are, and after a full GC before each RSS reading
# (what the idle connections hold, without the garbage accepting them made). See bench/README.md.
#
#   bench/connections.sh [N]
#
# Environment: KV_JAVA_OPTS (JVM flags for kv-server and kv-proxy).
set -uo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

N=${1:-10000}
ensure_tools
ensure_jars kv-server/target/kv-server.jar kv-proxy/target/kv-proxy.jar
# Every connection is a descriptor at both ends (and the proxies hold one to the backend each).
ulimit -n "$(ulimit -Hn)" 2>/dev/null
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $(( N + 200 )) ]; then
    log "ulimit -n is $(ulimit -n): too few descriptors for $N connections (raise the hard limit)"
    exit 1
fi
MAX=$(( N + 100 ))
CLIENT="$ROOT/bench/connections.py"

next_port REDIS_PORT; next_port KV_PORT; next_port KV_HTTP
next_port TWEM_PORT; next_port TWEM_STATS; next_port PROXY_PORT; next_port PROXY_HTTP

measure() { # NAME PORT PID [--gc] -> a line of figures
    local name=$1 port=$2 pid=$3 gc=${4:-}
    local figures
    figures=$(python3 "$CLIENT" "$port" "$pid" "$N" $gc) || { log "$name: the client failed"; return 1; }
    log "$name${gc:+ (after full GCs)}: $figures"
    echo "$name${gc:+ (GC)} $figures"
}

RESULTS=()
start_bg "redis-$REDIS_PORT" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
    --appendonly no --maxclients "$MAX" --daemonize no
REDIS_PID=$BG_PID
# shellcheck disable=SC2086
start_bg kv-server java $KV_JAVA_OPTS -jar "$ROOT/kv-server/target/kv-server.jar" \
    --kv.server.port="$KV_PORT" --kv.server.data-dir="$WORK/kv-data" --server.port="$KV_HTTP" \
    --kv.server.max-clients="$MAX"
KV_PID=$BG_PID
wait_ping "$REDIS_PORT" "$REDIS_PID" 20 || { log "Redis did not start"; exit 1; }
wait_ping "$KV_PORT" "$KV_PID" 180 || { log "kv-server did not start"; exit 1; }

RESULTS+=("$(measure redis-server "$REDIS_PORT" "$REDIS_PID")")
sleep 2
RESULTS+=("$(measure kv-server "$KV_PORT" "$KV_PID")")
sleep 2
RESULTS+=("$(measure kv-server "$KV_PORT" "$KV_PID" --gc)")

start_twemproxy "$TWEM_PORT" "$REDIS_PORT" "$TWEM_STATS"; TWEM_PID=$BG_PID
# shellcheck disable=SC2086
start_bg kv-proxy java $KV_JAVA_OPTS -jar "$ROOT/kv-proxy/target/kv-proxy.jar" \
    --kv.proxy.port="$PROXY_PORT" --kv.proxy.backends="127.0.0.1:$REDIS_PORT" --server.port="$PROXY_HTTP" \
    --kv.proxy.max-clients="$MAX"
PROXY_PID=$BG_PID
wait_ping "$TWEM_PORT" "$TWEM_PID" 20 || { log "twemproxy did not start"; exit 1; }
wait_ping "$PROXY_PORT" "$PROXY_PID" 180 || { log "kv-proxy did not start"; exit 1; }
RESULTS+=("$(measure twemproxy "$TWEM_PORT" "$TWEM_PID")")
sleep 2
RESULTS+=("$(measure kv-proxy "$PROXY_PORT" "$PROXY_PID")")
sleep 2
RESULTS+=("$(measure kv-proxy "$PROXY_PORT" "$PROXY_PID" --gc)")

echo
echo "## $N idle connections"
echo
machine_header
echo
echo "| target | open all (s) | of which connect (s) | RSS before (KB) | RSS after (KB) | RSS per connection (KB) |"
echo "|---|---|---|---|---|---|"
for line in "${RESULTS[@]}"; do
    [ -n "$line" ] || continue
    name=${line%% open_s=*}
    eval "${line#"$name" }"
    # shellcheck disable=SC2154
    echo "| $name | $open_s | $connect_s | $rss_before_kb | $rss_after_kb | $per_conn_kb |"
done
