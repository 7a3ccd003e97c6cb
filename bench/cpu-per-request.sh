#!/usr/bin/env bash
# CPU time and system calls per request, one client, no pipeline (issue 16, priority 1).
# Load-robust: counts the server process's utime+stime (/proc/PID/stat) and its system calls
# (strace -c -f) over a fixed number of redis-benchmark requests, for Redis and kv-server.
# Usage: [WARMUP=2000] bench/cpu-per-request.sh [REQUESTS]   (default 20000; jars from `mvn -DskipTests package`)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-20000}
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
await_port() { for _ in $(seq 1 120); do redis-cli -p "$1" PING >/dev/null 2>&1 && return 0; sleep 0.5; done; return 1; }

measure() { # NAME PID PORT TEST
    local name=$1 pid=$2 port=$3 test=$4 hz before after calls
    hz=$(getconf CLK_TCK)
    redis-benchmark -p "$port" -c 1 -P 1 -n "${WARMUP:-2000}" -t "$test" -q >/dev/null   # warm-up (WARMUP requests)
    before=$(cpu_ticks "$pid")
    redis-benchmark -p "$port" -c 1 -P 1 -n "$N" -t "$test" -q >/dev/null
    after=$(cpu_ticks "$pid")
    strace -c -f -p "$pid" -o "$WORK/strace-$name-$test" 2>/dev/null & local st=$!
    sleep 1
    redis-benchmark -p "$port" -c 1 -P 1 -n "$N" -t "$test" -q >/dev/null
    kill -INT "$st"; wait "$st" 2>/dev/null || true
    calls=$(awk '/total/{print $4}' "$WORK/strace-$name-$test")
    printf '| %s | %s | %.1f | %.2f | %s |\n' "$name" "$test" \
        "$(echo "($after-$before)*1000000/$hz/$N" | bc -l)" "$(echo "$calls/$N" | bc -l)" \
        "$(grep -v -e total -e '^-' -e '^%' "$WORK/strace-$name-$test" | sort -k4 -nr | head -3 | awk '{printf "%s %s; ", $NF, $4}')"
}

RP=$(free_port); KP=$(free_port); KH=$(free_port)
redis-server --port "$RP" --bind 127.0.0.1 --dir "$WORK" --save "" --appendonly yes \
    --appendfsync everysec --daemonize no >"$WORK/redis.log" 2>&1 & PIDS+=($!); RPID=$!
java ${KV_JAVA_OPTS:-} -jar "$ROOT/kv-server/target/kv-server.jar" --kv.server.port="$KP" \
    --kv.server.data-dir="$WORK/kv" --server.port="$KH" >"$WORK/kv.log" 2>&1 & PIDS+=($!); KPID=$!
await_port "$RP"; await_port "$KP"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| target | test | CPU µs/request | syscalls/request | top syscalls (calls) |"
echo "|---|---|---|---|---|"
for t in set get; do
    measure Redis "$RPID" "$RP" "$t"
    measure kv-server "$KPID" "$KP" "$t"
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
