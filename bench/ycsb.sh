#!/usr/bin/env bash
# A skewed read workload for the cache: YCSB core workloads B (95% reads) and C (reads only),
# Zipfian keys, through the RESP binding kv.bench.ycsb.RespClient, against Redis, twemproxy in
# front of that Redis and kv-proxy in front of that Redis; reports throughput, read latency and
# kv-proxy's hit ratio. See bench/README.md.
#
#   bench/ycsb.sh [--quick]    (--quick: 1 repetition of 50k operations; else 3 of 200k)
#
# Environment: RECORDS (100000), THREADS (16), KV_JAVA_OPTS, REDIS_ARGS.
set -uo pipefail

MODE=full
for arg in "$@"; do
    case "$arg" in
        --quick) MODE=quick ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

RECORDS=${RECORDS:-100000}
THREADS=${THREADS:-16}
if [ "$MODE" = quick ]; then REPEAT=1; OPS=50000; else REPEAT=3; OPS=200000; fi
JAR="$ROOT/bench/target/benchmarks.jar"

ensure_tools
ensure_jars kv-proxy/target/kv-proxy.jar bench/target/benchmarks.jar

TARGETS=(redis twemproxy kvproxy)
declare -A LABEL=([redis]="Redis" [twemproxy]="twemproxy→Redis" [kvproxy]="kv-proxy→Redis")
declare -A PORT UP
for t in "${TARGETS[@]}"; do next_port "PORT[$t]"; done
next_port PROXY_HTTP; next_port TWEM_STATS

start_redis "${PORT[redis]}" "$WORK/redis"; REDIS_PID=$BG_PID
wait_ping "${PORT[redis]}" "$REDIS_PID" 20 || { log "Redis did not start"; exit 1; }
start_twemproxy "${PORT[twemproxy]}" "${PORT[redis]}" "$TWEM_STATS"; TWEM_PID=$BG_PID
start_kv_proxy "${PORT[kvproxy]}" "$PROXY_HTTP" "${PORT[redis]}"; PROXY_PID=$BG_PID
UP[redis]=1
if wait_ping "${PORT[twemproxy]}" "$TWEM_PID" 20; then UP[twemproxy]=1; else UP[twemproxy]=0; fi
if wait_ping "${PORT[kvproxy]}" "$PROXY_PID" 90 "$PROXY_HTTP"; then UP[kvproxy]=1; else
    UP[kvproxy]=0
    log "kv-proxy does not answer PING: its rows are n/a"
    kill "$PROXY_PID" 2>/dev/null
fi

ycsb() { # PHASE(-load|-t) WORKLOAD PORT EXTRA...
    local phase=$1 workload=$2 port=$3
    shift 3
    timeout 600 java -cp "$JAR" site.ycsb.Client "$phase" -db kv.bench.ycsb.RespClient \
        -P "$ROOT/bench/ycsb/$workload" -p recordcount="$RECORDS" -p resp.port="$port" \
        -threads "$THREADS" "$@" 2>&1
}

# hits PORT: "hits misses" counted by kv-proxy so far, from INFO (a *hits / *misses pair) or
# Actuator (cache.gets by result), or nothing if it reports neither.
hits() {
    local info h m
    info=$(redis-cli -p "$1" INFO 2>/dev/null | tr -d '\r')
    h=$(echo "$info" | grep -E '^(cache|proxy)_?[a-z_]*hits:' | head -1 | cut -d: -f2)
    m=$(echo "$info" | grep -E '^(cache|proxy)_?[a-z_]*misses:' | head -1 | cut -d: -f2)
    if [ -z "$h" ]; then
        h=$(echo "$info" | grep -E '^keyspace_hits:' | cut -d: -f2)
        m=$(echo "$info" | grep -E '^keyspace_misses:' | cut -d: -f2)
    fi
    if [ -z "$h" ]; then
        local url="http://127.0.0.1:$PROXY_HTTP/actuator/metrics/cache.gets?tag=result:"
        h=$(curl -fs "${url}hit" 2>/dev/null | grep -o '"value":[0-9.E]*' | head -1 | cut -d: -f2)
        m=$(curl -fs "${url}miss" 2>/dev/null | grep -o '"value":[0-9.E]*' | head -1 | cut -d: -f2)
    fi
    [ -n "$h" ] && [ -n "$m" ] && echo "$h $m"
}

log "loading $RECORDS records into Redis"
ycsb -load workloadb "${PORT[redis]}" -p operationcount="$RECORDS" |
    grep -E '^\[(OVERALL|INSERT)\], (Throughput|Return)' >&2
settle "${PORT[redis]}"

# One unmeasured run of C per target: JIT warm-up, and a warm cache for kv-proxy's hit ratio.
for t in "${TARGETS[@]}"; do
    [ "${UP[$t]}" = 1 ] && ycsb -t workloadc "${PORT[$t]}" -p operationcount="$OPS" >/dev/null
done

RAW="$WORK/raw.txt"
: >"$RAW"
for rep in $(seq 1 "$REPEAT"); do
    for workload in workloadc workloadb; do
        for i in 0 1 2; do
            t=${TARGETS[$(( (i + rep - 1) % 3 ))]}
            [ "${UP[$t]}" = 1 ] || continue
            before=""; [ "$t" = kvproxy ] && before=$(hits "${PORT[$t]}")
            out=$(ycsb -t "$workload" "${PORT[$t]}" -p operationcount="$OPS")
            ratio=n/a
            if [ "$t" = kvproxy ] && [ -n "$before" ]; then
                after=$(hits "${PORT[$t]}")
                ratio=$(echo "$before $after" | awk '{ h = $3 - $1; m = $4 - $2;
                    if (h + m > 0) printf "%.3f", h / (h + m); else print "n/a" }')
            fi
            line=$(echo "$out" | awk -F', ' -v ratio="$ratio" '
                $1 == "[OVERALL]" && $2 == "Throughput(ops/sec)" { tput = $3 }
                $1 == "[READ]" && $2 == "AverageLatency(us)" { avg = $3 }
                $1 == "[READ]" && $2 == "99thPercentileLatency(us)" { p99 = $3 }
                $1 == "[READ]" && $2 ~ /^Return=/ && $2 != "Return=OK" { bad += $3 }
                $1 == "[UPDATE]" && $2 ~ /^Return=/ && $2 != "Return=OK" { bad += $3 }
                END { if (tput == "") print "err"; else printf "%.0f %.0f %s %d %s\n", tput, avg, p99, bad, ratio }')
            echo "$workload $t $rep $line" >>"$RAW"
            log "$workload | ${LABEL[$t]} | rep $rep: $line"
        done
    done
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
stat() { awk -v w="$1" -v t="$2" -v c="$3" '$1 == w && $2 == t && $4 != "err" { print $c }' "$RAW" | median; }

DATE=$(date -u +%F)
SHORT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
SUFFIX=""; [ "$MODE" = quick ] && SUFFIX="-quick"
OUT="$ROOT/bench/results/$DATE-$SHORT-ycsb$SUFFIX.md"
{
    echo "# kv YCSB ($MODE): $DATE, commit $SHORT"
    echo
    machine_header
    echo "- YCSB site.ycsb:core 0.17.0, binding kv.bench.ycsb.RespClient (Jedis, one connection per thread),"
    echo "  $THREADS threads, $RECORDS records of one 100-byte field, $OPS operations per run, Zipfian,"
    echo "  $REPEAT repetition(s) alternating targets, median shown"
    echo
    echo "| workload | target | ops/s | read avg µs | read p99 µs | failed ops | kv-proxy hit ratio |"
    echo "|---|---|---|---|---|---|---|"
    for workload in workloadc workloadb; do
        name="C (100% read)"; [ "$workload" = workloadb ] && name="B (95% read, 5% update)"
        for t in "${TARGETS[@]}"; do
            if [ "${UP[$t]}" != 1 ]; then
                echo "| $name | ${LABEL[$t]} | n/a | n/a | n/a | n/a | n/a |"
                continue
            fi
            hr=$(awk -v w="$workload" -v t="$t" '$1 == w && $2 == t { print $8 }' "$RAW" | grep -v n/a | median)
            [ "$t" = kvproxy ] || hr="—"
            echo "| $name | ${LABEL[$t]} | $(stat $workload $t 4) | $(stat $workload $t 5) | $(stat $workload $t 6) | $(stat $workload $t 7) | ${hr:-n/a} |"
        done
    done
    echo
    echo "Hit ratio: kv-proxy's hits ÷ (hits + misses) over the run, from its INFO or Actuator"
    echo "(cache.gets), after one unmeasured run of C per target (a warm cache); n/a when it reports neither."
    echo
    echo "<details><summary>Every run (workload target repetition ops/s read-avg read-p99 failed hit-ratio)</summary>"
    echo
    echo '```'
    cat "$RAW"
    echo '```'
    echo "</details>"
} >"$OUT"
echo
sed '/<details>/,$d' "$OUT"
log "saved $OUT"
