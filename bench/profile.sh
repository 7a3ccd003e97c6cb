#!/usr/bin/env bash
# Where kv-server spends its CPU under redis-benchmark: records JFR during a SET+GET run and
# prints the hottest methods (top frame) and the hottest kv/Spring frames anywhere on the stack.
#
#   bench/profile.sh [PIPELINE] [REQUESTS]     (defaults: 16 and 1000000)
#
# Saves this report under bench/results/. Leaves the recording under bench/results/ only if KEEP_JFR=1 (it is large).
set -uo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

PIPELINE=${1:-16}
REQUESTS=${2:-1000000}
ensure_tools
ensure_jars kv-server/target/kv-server.jar

SHORT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
OUT="$ROOT/bench/results/$(date -u +%F)-$SHORT-profile-p$PIPELINE.txt"
exec > >(tee "$OUT")
echo "# kv-server profile: pipeline $PIPELINE, $REQUESTS requests, commit $SHORT, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
next_port KV_PORT; next_port KV_HTTP
JFR="$WORK/kv-server.jfr"
KV_JAVA_OPTS="$KV_JAVA_OPTS -XX:StartFlightRecording=filename=$JFR,settings=profile"
start_kv_server "$KV_PORT" "$KV_HTTP" "$WORK/kv-data"; KV_PID=$BG_PID
wait_ping "$KV_PORT" "$KV_PID" 120 "$KV_HTTP" || { log "kv-server did not start"; exit 1; }

log "warm-up"
redis-benchmark -p "$KV_PORT" -c 50 -t set,get -d 100 -r 100000 -P "$PIPELINE" -n 200000 -q >/dev/null 2>&1
log "measured run: SET and GET, pipeline $PIPELINE, $REQUESTS requests each"
jcmd "$KV_PID" JFR.stop >/dev/null 2>&1
jcmd "$KV_PID" JFR.start name=measured filename="$JFR" settings=profile >/dev/null
cpu() { # user and system clock ticks of the process, and context switches of all its threads
    local ticks switches
    ticks=$(awk '{ print $14, $15 }' "/proc/$1/stat")
    switches=$(cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s }')
    echo "$ticks $switches"
}
BEFORE=$(cpu "$KV_PID")
redis-benchmark -p "$KV_PORT" -c 50 -t set,get -d 100 -r 100000 -P "$PIPELINE" -n "$REQUESTS" --csv 2>/dev/null
AFTER=$(cpu "$KV_PID")
echo "$BEFORE $AFTER" | awk -v hz="$(getconf CLK_TCK)" -v n="$(( 2 * REQUESTS ))" '{
    u = ($4 - $1) / hz; s = ($5 - $2) / hz; cs = $6 - $3
    printf "kv-server CPU over the run: user %.1f s, system %.1f s (%.0f%% in the kernel), %.1f µs per request, %.2f context switches per request\n",
        u, s, 100 * s / (u + s), 1e6 * (u + s) / n, cs / n }'
jcmd "$KV_PID" JFR.dump name=measured filename="$JFR" >/dev/null
if [ "${PERF:-0}" = 1 ] && command -v perf >/dev/null; then
    log "perf: kernel and native symbols during a second run"
    perf record -q -F 999 -p "$KV_PID" -o "$WORK/perf.data" -- sleep 8 >/dev/null 2>&1 &
    PERF_PID=$!
    redis-benchmark -p "$KV_PORT" -c 50 -t set,get -d 100 -r 100000 -P "$PIPELINE" -n "$REQUESTS" -q >/dev/null 2>&1
    wait "$PERF_PID"
    echo
    echo "-- perf: top symbols (kernel, libc, RocksDB; JIT-compiled Java shows as [unknown]) --"
    perf report -i "$WORK/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -30
fi
# The same run against Redis, for the CPU cost per request.
next_port REDIS_PORT
start_redis "$REDIS_PORT" "$WORK/redis"; REDIS_PID=$BG_PID
wait_ping "$REDIS_PORT" "$REDIS_PID" 20 && {
    redis-benchmark -p "$REDIS_PORT" -c 50 -t set,get -d 100 -r 100000 -P "$PIPELINE" -n 200000 -q >/dev/null 2>&1
    BEFORE=$(cpu "$REDIS_PID")
    redis-benchmark -p "$REDIS_PORT" -c 50 -t set,get -d 100 -r 100000 -P "$PIPELINE" -n "$REQUESTS" --csv 2>/dev/null | tail -2
    AFTER=$(cpu "$REDIS_PID")
    echo "$BEFORE $AFTER" | awk -v hz="$(getconf CLK_TCK)" -v n="$(( 2 * REQUESTS ))" '{
        u = ($4 - $1) / hz; s = ($5 - $2) / hz; cs = $6 - $3
        printf "Redis (same run shape) CPU: user %.1f s, system %.1f s (%.0f%% in the kernel), %.1f µs per request, %.2f context switches per request\n",
            u, s, 100 * s / (u + s), 1e6 * (u + s) / n, cs / n }'
}
jcmd "$KV_PID" JFR.stop name=measured >/dev/null 2>&1

jfr print --events jdk.ExecutionSample "$JFR" >"$WORK/samples.txt"
jfr print --events jdk.NativeMethodSample "$JFR" >"$WORK/native.txt"
TOTAL=$(grep -c 'jdk.ExecutionSample' "$WORK/samples.txt")
NATIVE=$(grep -c 'jdk.NativeMethodSample' "$WORK/native.txt")
top_frames() { # FILE TOTAL: the top frame of each sample, by share
    awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print }' "$1" |
        sort | uniq -c | sort -rn | head -"${3:-25}" | awk -v t="$2" '{ c = $1; $1 = ""; printf "%5.1f%% %s\n", 100 * c / t, $0 }'
}
echo
echo "== $TOTAL samples of threads running Java, $NATIVE of threads in native code (sockets, RocksDB) =="
echo
echo "-- threads in native code: the Java frame that called out --"
awk '/stackTrace = \[/ { getline; a = $0; getline; b = $0; getline; c = $0;
        gsub(/^[ \t]+|line:.*/, "", a); gsub(/^[ \t]+|line:.*/, "", b); gsub(/^[ \t]+|line:.*/, "", c);
        print a " < " b " < " c }' "$WORK/native.txt" |
    sort | uniq -c | sort -rn | head -8 | awk -v t="$NATIVE" '{ c = $1; $1 = ""; printf "%5.1f%% %s\n", 100 * c / t, $0 }'
echo
echo "-- Java: top frames (self time) --"
top_frames "$WORK/samples.txt" "$TOTAL"
echo
echo "-- Java, inclusive: kv.* and org.springframework.* frames (share of samples with it on the stack) --"
awk '/jdk.ExecutionSample/ { delete seen }
     /^[ \t]+(kv\.|org\.springframework\.)/ { f = $0; sub(/^[ \t]+/, "", f); sub(/line:.*/, "", f);
         if (!(f in seen)) { seen[f] = 1; print f } }' "$WORK/samples.txt" |
    sort | uniq -c | sort -rn | head -30 | awk -v t="$TOTAL" '{ c = $1; $1 = ""; printf "%5.1f%% %s\n", 100 * c / t, $0 }'
echo
echo "-- threads --"
grep -o 'sampledThread = "[^"]*"' "$WORK/samples.txt" | sed 's/-[0-9]*"$/"/' | sort | uniq -c | sort -rn | head -8
if [ "${KEEP_JFR:-0}" = 1 ]; then
    cp "$JFR" "$ROOT/bench/results/kv-server-p$PIPELINE.jfr"
    log "kept bench/results/kv-server-p$PIPELINE.jfr"
fi
