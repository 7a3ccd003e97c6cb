#!/usr/bin/env bash
# The commands of issue 14 side by side: hashes (HSET, HGET), scripts (EVAL, EVALSHA) and
# transactions (MULTI/EXEC pipelines) against Redis, kv-server, twemproxy→Redis and kv-proxy→kv-server,
# targets alternated, median of the repetitions, ratios. See bench/README.md.
#
#   bench/commands.sh [--quick]     (--quick: one repetition, shorter runs)
#
# redis-benchmark has no MULTI/EXEC workload: kv.bench.tx.TransactionLoad (bench/target/benchmarks.jar)
# sends MULTI; SET; INCR; EXEC per transaction, pipelined, and prints transactions/s.
# twemproxy does not forward MULTI/EXEC: it has no transaction rows.
set -uo pipefail

MODE=full
for arg in "$@"; do
    case "$arg" in
        --quick) MODE=quick ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

CLIENTS=${CLIENTS:-50}
if [ "$MODE" = quick ]; then REPEAT=1; N=30000; NTX=20000; else REPEAT=${REPEAT:-3}; N=100000; NTX=100000; fi

ensure_tools
ensure_jars kv-server/target/kv-server.jar kv-proxy/target/kv-proxy.jar bench/target/benchmarks.jar

TARGETS=(redis kv-server twemproxy kvproxy-kv)
declare -A LABEL=([redis]="Redis" [kv-server]="kv-server" [twemproxy]="twemproxy→Redis" [kvproxy-kv]="kv-proxy→kv-server")
declare -A PORT HTTP PID UP
for t in "${TARGETS[@]}"; do next_port "PORT[$t]"; done
for t in kv-server kvproxy-kv; do next_port "HTTP[$t]"; done
next_port TWEM_STATS

log "starting targets (work dir $WORK)"
start_redis "${PORT[redis]}" "$WORK/redis"; PID[redis]=$BG_PID
start_kv_server "${PORT[kv-server]}" "${HTTP[kv-server]}" "$WORK/kv-data"; PID[kv-server]=$BG_PID
wait_ping "${PORT[redis]}" "${PID[redis]}" 20 || { log "Redis did not start"; exit 1; }
start_twemproxy "${PORT[twemproxy]}" "${PORT[redis]}" "$TWEM_STATS"; PID[twemproxy]=$BG_PID
wait_ping "${PORT[kv-server]}" "${PID[kv-server]}" 120 "${HTTP[kv-server]}" || { log "kv-server did not start"; exit 1; }
start_kv_proxy "${PORT[kvproxy-kv]}" "${HTTP[kvproxy-kv]}" "${PORT[kv-server]}"; PID[kvproxy-kv]=$BG_PID
for t in "${TARGETS[@]}"; do
    if wait_ping "${PORT[$t]}" "${PID[$t]}" 90 "${HTTP[$t]:-}"; then UP[$t]=1; else UP[$t]=0; log "${LABEL[$t]} is down"; fi
done

rb() { # PORT ARGS...: "rps p50 p99" or "err"
    local port=$1
    shift
    timeout 300 redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" --csv "$@" 2>/dev/null |
        awk -F, 'NR > 1 && NF >= 8 { gsub(/"/, ""); print $(NF-6), $(NF-3), $(NF-1); found = 1 } END { if (!found) print "err" }' | tail -1
    # (counted from the end: a custom command's name, the first CSV field, may hold commas)
}
tx() { # PORT PIPELINE: "tps p50 p99" or "err"
    timeout 300 java -cp "$ROOT/bench/target/benchmarks.jar" kv.bench.tx.TransactionLoad "$1" "$CLIENTS" "$2" "$NTX" 2>/dev/null || echo err
}

SET_SCRIPT="return redis.call('set', KEYS[1], ARGV[1])"
GET_SCRIPT="return redis.call('get', KEYS[1])"
for t in "${TARGETS[@]}"; do
    [ "${UP[$t]}" = 1 ] || continue
    redis-cli -p "${PORT[$t]}" SCRIPT LOAD "$GET_SCRIPT" >/dev/null 2>&1
    # warm-up: the JVM needs it, Redis does not mind
    rb "${PORT[$t]}" -r 100000 -n 50000 hset bench:hash __rand_int__ value >/dev/null
    rb "${PORT[$t]}" -r 100000 -n 50000 -P 16 set key:__rand_int__ value >/dev/null
done
GET_SHA=$(redis-cli -p "${PORT[redis]}" SCRIPT LOAD "$GET_SCRIPT")

ALL="redis kv-server twemproxy kvproxy-kv"
NOTWEM="redis kv-server kvproxy-kv"
# id|label|targets|kind (rb or tx)|arguments
WORKLOADS="hset-p1|HSET of one field (100k fields in one hash), P1|$ALL|rb|-r 100000 -n $N hset bench:hash __rand_int__ value
hget-p1|HGET of one field, P1|$ALL|rb|-r 100000 -n $N hget bench:hash __rand_int__
hset-p16|HSET, P16|$ALL|rb|-r 100000 -n $(( N * 3 )) -P 16 hset bench:hash __rand_int__ value
hget-p16|HGET, P16|$ALL|rb|-r 100000 -n $(( N * 3 )) -P 16 hget bench:hash __rand_int__
eval-set-p1|EVAL of a SET script, P1|$ALL|rb|-r 100000 -n $N eval \"$SET_SCRIPT\" 1 key:__rand_int__ value
evalsha-get-p1|EVALSHA of a GET script, P1|$ALL|rb|-r 100000 -n $N evalsha $GET_SHA 1 key:__rand_int__
tx-p1|MULTI; SET; INCR; EXEC, P1|$NOTWEM|tx|1
tx-p16|MULTI; SET; INCR; EXEC, 16 transactions per write|$NOTWEM|tx|16"

RAW="$WORK/raw.txt"
: >"$RAW"
while IFS='|' read -r id label targets kind args; do
    read -r -a order <<<"$targets"
    for rep in $(seq 1 "$REPEAT"); do
        n=${#order[@]}
        for i in $(seq 0 $(( n - 1 ))); do
            t=${order[$(( (i + rep - 1) % n ))]}
            [ "${UP[$t]}" = 1 ] || continue
            if [ "$kind" = tx ]; then
                result=$(tx "${PORT[$t]}" "$args")
            else
                eval "set -- $args"
                result=$(rb "${PORT[$t]}" "$@")
            fi
            echo "$id $t $rep $result" >>"$RAW"
            log "$label | ${LABEL[$t]} | rep $rep: $result"
        done
    done
done <<<"$WORKLOADS"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else print v[int((NR + 1) / 2)] }'; }
stat() { awk -v id="$1" -v t="$2" -v c="$3" '$1 == id && $2 == t && $4 != "err" { print $c }' "$RAW" | median; }
krps() { awk -v r="$1" 'BEGIN { printf "%.1fk", r / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "—"; else printf "%.2f×", a / b }'; }

DATE=$(date -u +%F)
SHORT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
SUFFIX=""; [ "$MODE" = quick ] && SUFFIX="-quick"
mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/$DATE-$SHORT-commands$SUFFIX.md"
{
    echo "# kv commands ($MODE): hashes, scripts, transactions; $DATE, commit $SHORT"
    echo
    machine_header
    echo "- $CLIENTS clients, $REPEAT repetition(s), targets alternated, median shown; Redis: ${REDIS_ARGS:---appendonly yes --appendfsync everysec}"
    echo "- redis-benchmark custom commands; transactions by kv.bench.tx.TransactionLoad ($NTX transactions per run)"
    echo
    echo "Each cell: requests (or transactions)/s · p50 ms · p99 ms. Ratios: per second (p99)."
    echo
    header="| workload |"; rule="|---|"
    for t in "${TARGETS[@]}"; do header="$header ${LABEL[$t]} |"; rule="$rule---|"; done
    echo "$header kv-server/Redis | kv-proxy→kv/twemproxy→Redis |"
    echo "$rule---|---|"
    while IFS='|' read -r id label targets _ _; do
        row="| $label |"
        for t in "${TARGETS[@]}"; do
            if [[ " $targets " != *" $t "* ]]; then row="$row — |"
            elif [ "${UP[$t]}" != 1 ]; then row="$row n/a |"
            else
                r=$(stat "$id" "$t" 4)
                if [ -z "$r" ]; then row="$row err |"; else row="$row $(krps "$r") · $(stat "$id" "$t" 5) · $(stat "$id" "$t" 6) |"; fi
            fi
        done
        kr=$(ratio "$(stat "$id" kv-server 4)" "$(stat "$id" redis 4)"); kp=$(ratio "$(stat "$id" kv-server 6)" "$(stat "$id" redis 6)")
        pr=$(ratio "$(stat "$id" kvproxy-kv 4)" "$(stat "$id" twemproxy 4)"); pp=$(ratio "$(stat "$id" kvproxy-kv 6)" "$(stat "$id" twemproxy 6)")
        c1="$kr ($kp)"; [ "$kr" = "—" ] && c1="—"; c2="$pr ($pp)"; [ "$pr" = "—" ] && c2="—"
        echo "$row $c1 | $c2 |"
    done <<<"$WORKLOADS"
    echo
    echo "<details><summary>Every run (workload target repetition rps p50 p99)</summary>"
    echo
    echo '```'
    cat "$RAW"
    echo '```'
    echo "</details>"
} >"$OUT"
echo
sed '/<details>/,$d' "$OUT"
log "saved $OUT"
