#!/usr/bin/env bash
# Where kv-server (or kv-proxy) spends its time under redis-benchmark: CPU per request and
# context switches next to its peer (Redis, or twemproxy), JFR's hottest methods and where the
# threads wait, and with PERF=1 the kernel and native symbols.
#
#   bench/profile.sh [PIPELINE] [REQUESTS]          kv-server, SET+GET (defaults: 16, 1000000)
#   TARGET=kv-proxy bench/profile.sh [P] [N]        kv-proxy→Redis vs twemproxy→Redis
#
# Environment: TARGET (kv-server | kv-proxy), TESTS (redis-benchmark -t, default set,get),
# RANGE (-r, default 100000; e.g. 1000 for kv-proxy cache hits), PERF=1, KEEP_JFR=1.
# Saves the report under bench/results/ (and the recording with KEEP_JFR=1; it is large).
set -uo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

PIPELINE=${1:-16}
REQUESTS=${2:-1000000}
TARGET=${TARGET:-kv-server}
TESTS=${TESTS:-set,get}
RANGE=${RANGE:-100000}
ensure_tools
ensure_jars kv-server/target/kv-server.jar kv-proxy/target/kv-proxy.jar

SHORT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
OUT="$ROOT/bench/results/$(date -u +%F)-$SHORT-profile-$TARGET-$TESTS-r$RANGE-p$PIPELINE.txt"
OUT=${OUT//,/+}
exec > >(tee "$OUT")
echo "# $TARGET profile: redis-benchmark -c 50 -t $TESTS -d 100 -r $RANGE -P $PIPELINE -n $REQUESTS; commit $SHORT, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

JFR="$WORK/$TARGET.jfr"
KV_JAVA_OPTS="$KV_JAVA_OPTS -XX:StartFlightRecording=filename=$JFR,settings=profile"
next_port REDIS_PORT
start_redis "$REDIS_PORT" "$WORK/redis"; REDIS_PID=$BG_PID
wait_ping "$REDIS_PORT" "$REDIS_PID" 20 || { log "Redis did not start"; exit 1; }
next_port PORT; next_port HTTP
if [ "$TARGET" = kv-proxy ]; then
    start_kv_proxy "$PORT" "$HTTP" "$REDIS_PORT"; PID=$BG_PID
    next_port PEER_PORT; next_port STATS
    start_twemproxy "$PEER_PORT" "$REDIS_PORT" "$STATS"; PEER_PID=$BG_PID; PEER=twemproxy
else
    start_kv_server "$PORT" "$HTTP" "$WORK/kv-data"; PID=$BG_PID
    PEER_PORT=$REDIS_PORT; PEER_PID=$REDIS_PID; PEER=Redis
fi
wait_ping "$PORT" "$PID" 120 "$HTTP" || { log "$TARGET does not answer PING"; tail -20 "$WORK"/kv-*.log; exit 1; }
wait_ping "$PEER_PORT" "$PEER_PID" 20 || { log "$PEER does not answer PING"; exit 1; }

bench() { # PORT REQUESTS [--csv|-q]
    redis-benchmark -p "$1" -c 50 -t "$TESTS" -d 100 -r "$RANGE" -P "$PIPELINE" -n "$2" "${3:--q}" 2>/dev/null
}
cpu() { # user and system clock ticks of the process, and context switches of all its threads
    local ticks switches
    ticks=$(awk '{ print $14, $15 }' "/proc/$1/stat")
    switches=$(cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s }')
    echo "$ticks $switches"
}
cost() { # NAME BEFORE AFTER
    echo "$2 $3" | awk -v name="$1" -v hz="$(getconf CLK_TCK)" -v n="$(( REQUESTS * (1 + $(tr -cd , <<<"$TESTS" | wc -c)) ))" '{
        u = ($4 - $1) / hz; s = ($5 - $2) / hz; cs = $6 - $3
        printf "%s CPU over the run: user %.1f s, system %.1f s (%.0f%% in the kernel), %.1f µs per request, %.2f context switches per request\n",
            name, u, s, 100 * s / (u + s), 1e6 * (u + s) / n, cs / n }'
}

log "warm-up"
bench "$PORT" 200000 >/dev/null
bench "$PEER_PORT" 200000 >/dev/null
log "measured run"
jcmd "$PID" JFR.stop >/dev/null 2>&1
jcmd "$PID" JFR.start name=measured filename="$JFR" settings=profile >/dev/null
BEFORE=$(cpu "$PID")
bench "$PORT" "$REQUESTS" --csv
AFTER=$(cpu "$PID")
cost "$TARGET" "$BEFORE" "$AFTER"
jcmd "$PID" JFR.dump name=measured filename="$JFR" >/dev/null
jcmd "$PID" JFR.stop name=measured >/dev/null 2>&1
BEFORE=$(cpu "$PEER_PID")
bench "$PEER_PORT" "$REQUESTS" --csv | tail -n +2
AFTER=$(cpu "$PEER_PID")
cost "$PEER (same run shape)" "$BEFORE" "$AFTER"

if [ "${PERF:-0}" = 1 ] && command -v perf >/dev/null; then
    log "perf: kernel and native symbols during a second run"
    perf record -q -F 999 -p "$PID" -o "$WORK/perf.data" -- sleep 8 >/dev/null 2>&1 &
    PERF_PID=$!
    bench "$PORT" "$REQUESTS" >/dev/null
    wait "$PERF_PID"
    echo
    echo "-- perf: top symbols (kernel, libc, RocksDB; JIT-compiled Java shows as [JIT]/[unknown]) --"
    perf report -i "$WORK/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null |
        grep -v '^#' | grep -v '^$' | head -30
fi

jfr print --events jdk.ExecutionSample "$JFR" >"$WORK/samples.txt"
jfr print --events jdk.NativeMethodSample "$JFR" >"$WORK/native.txt"
TOTAL=$(grep -c 'jdk.ExecutionSample' "$WORK/samples.txt")
NATIVE=$(grep -c 'jdk.NativeMethodSample' "$WORK/native.txt")
share() { awk -v t="$1" '{ c = $1; $1 = ""; printf "%5.1f%% %s\n", 100 * c / t, $0 }'; }
echo
echo "== JFR: $TOTAL samples of threads running Java, $NATIVE of threads in native code (sockets, RocksDB) =="
echo
echo "-- threads in native code: the Java frame that called out --"
awk '/stackTrace = \[/ { getline; a = $0; getline; b = $0; getline; c = $0;
        gsub(/^[ \t]+|line:.*/, "", a); gsub(/^[ \t]+|line:.*/, "", b); gsub(/^[ \t]+|line:.*/, "", c);
        print a " < " b " < " c }' "$WORK/native.txt" |
    sort | uniq -c | sort -rn | head -8 | share "$NATIVE"
echo
echo "-- Java: top frames (self time) --"
awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print }' "$WORK/samples.txt" |
    sort | uniq -c | sort -rn | head -25 | share "$TOTAL"
echo
echo "-- Java, inclusive: kv.* and org.springframework.* frames (share of samples with it on the stack) --"
awk '/jdk.ExecutionSample/ { delete seen }
     /^[ \t]+(kv\.|org\.springframework\.)/ { f = $0; sub(/^[ \t]+/, "", f); sub(/line:.*/, "", f);
         if (!(f in seen)) { seen[f] = 1; print f } }' "$WORK/samples.txt" |
    sort | uniq -c | sort -rn | head -30 | share "$TOTAL"
echo
echo "-- threads --"
grep -o 'sampledThread = "[^"]*"' "$WORK/samples.txt" | sed 's/-[0-9]*"$/"/' | sort | uniq -c | sort -rn | head -8
if [ "${KEEP_JFR:-0}" = 1 ]; then
    cp "$JFR" "${OUT%.txt}.jfr"
    log "kept ${OUT%.txt}.jfr"
fi
