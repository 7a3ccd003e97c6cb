#!/usr/bin/env bash
# Memory with the same data: load KEYS keys (16-byte keys key:%012d, 100-byte random values) into
# kv-server and into Redis through redis-cli --pipe, then report kv-server's resident memory
# (VmRSS of the JVM) next to Redis's used_memory_rss. See bench/README.md.
#
#   bench/memory.sh [KEYS]     (default 1000000)
#
# Environment: KV_JAVA_OPTS (JVM flags for kv-server; the heap size decides most of its RSS),
# REDIS_ARGS.
set -uo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

KEYS=${1:-1000000}
ensure_tools
ensure_jars kv-server/target/kv-server.jar

next_port REDIS_PORT; next_port KV_PORT; next_port KV_HTTP
start_redis "$REDIS_PORT" "$WORK/redis"; REDIS_PID=$BG_PID
start_kv_server "$KV_PORT" "$KV_HTTP" "$WORK/kv-data"; KV_PID=$BG_PID
wait_ping "$REDIS_PORT" "$REDIS_PID" 20 || { log "Redis did not start"; exit 1; }
wait_ping "$KV_PORT" "$KV_PID" 120 "$KV_HTTP" || { log "kv-server did not start"; exit 1; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
redis_info() { redis-cli -p "$REDIS_PORT" INFO memory | tr -d '\r' | awk -F: -v k="$1" '$1 == k { print $2 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.0f MB", b / 1048576 }'; }

KV_IDLE=$(( $(rss_kb "$KV_PID") * 1024 ))
REDIS_IDLE=$(redis_info used_memory_rss)

load() { # PORT -> seconds
    local start end
    start=$(date +%s.%N)
    timeout 1200 bash -c "$(declare -f preload set_commands); preload $1 $KEYS 100 random"
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'
}
log "loading $KEYS keys into Redis"
REDIS_LOAD=$(load "$REDIS_PORT")
log "loading $KEYS keys into kv-server"
KV_LOAD=$(load "$KV_PORT")
settle "$REDIS_PORT"
sleep 3

KV_KEYS=$(redis-cli -p "$KV_PORT" DBSIZE)
REDIS_KEYS=$(redis-cli -p "$REDIS_PORT" DBSIZE)
if [ "$KV_KEYS" != "$KEYS" ] || [ "$REDIS_KEYS" != "$KEYS" ]; then
    log "loading failed: kv-server holds $KV_KEYS keys, Redis $REDIS_KEYS, of $KEYS; nothing saved"
    exit 1
fi
KV_RSS=$(( $(rss_kb "$KV_PID") * 1024 ))
REDIS_RSS=$(redis_info used_memory_rss)
REDIS_USED=$(redis_info used_memory)
# After a full GC: G1 gives unused heap back to the OS, so this is closer to what the data costs.
jcmd "$KV_PID" GC.run >/dev/null 2>&1
sleep 2
KV_RSS_GC=$(( $(rss_kb "$KV_PID") * 1024 ))
KV_HEAP=$(jcmd "$KV_PID" GC.heap_info 2>/dev/null | awk '/garbage-first heap|used/ { print; exit }' | sed 's/^ *//')
KV_DISK=$(du -sb "$WORK/kv-data" | cut -f1)

DATE=$(date -u +%F)
SHORT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
OUT="$ROOT/bench/results/$DATE-$SHORT-memory.md"
{
    echo "# kv memory: $DATE, commit $SHORT"
    echo
    machine_header
    echo "- data: $KEYS keys of 16 bytes (key:%012d), values of 100 bytes, random printable bytes (1,024 distinct values, cycled), loaded with redis-cli --pipe"
    echo "- kv-server JVM flags: ${KV_JAVA_OPTS:-(defaults)}; Redis: ${REDIS_ARGS:---appendonly yes --appendfsync everysec}"
    echo
    echo "| | kv-server (VmRSS) | Redis (used_memory_rss) | kv-server/Redis |"
    echo "|---|---|---|---|"
    echo "| idle, before loading | $(mb "$KV_IDLE") | $(mb "$REDIS_IDLE") | |"
    echo "| after loading | $(mb "$KV_RSS") | $(mb "$REDIS_RSS") | $(awk -v a="$KV_RSS" -v b="$REDIS_RSS" 'BEGIN { printf "%.2f×", a / b }') |"
    echo "| kv-server after a full GC | $(mb "$KV_RSS_GC") | | $(awk -v a="$KV_RSS_GC" -v b="$REDIS_RSS" 'BEGIN { printf "%.2f×", a / b }') |"
    echo "| keys (DBSIZE) | $KV_KEYS | $REDIS_KEYS | |"
    echo "| load time | $KV_LOAD s | $REDIS_LOAD s | |"
    echo
    echo "Redis used_memory (the allocator's count, no fragmentation): $(mb "$REDIS_USED")."
    echo "kv-server's data directory on disk: $(mb "$KV_DISK"); JVM heap after the GC: ${KV_HEAP:-unknown}."
} >"$OUT"
echo
cat "$OUT"
log "saved $OUT"
