#!/usr/bin/env bash
# Side by side: redis-benchmark against Redis, kv-server, twemproxy (in front of that Redis) and
# kv-proxy (once in front of that Redis, once in front of kv-server), same workloads, targets
# alternated so drift hits all alike, median of the repetitions. See bench/README.md.
#
#   bench/compare.sh [--quick]     (--quick: one repetition, shorter runs, no 1 KB pipeline 16)
#
# Environment: KV_JAVA_OPTS (JVM flags for kv-server and kv-proxy), REDIS_ARGS (persistence
# flags for redis-server; default AOF everysec like kv-server), REPEAT (repetitions, full mode),
# CLIENTS (50).
set -uo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
parse_mode 2,10 "$@"

CLIENTS=${CLIENTS:-50}
KEYS=100000
if [ "$MODE" = quick ]; then
    REPEAT=1; N1=20000; N16=100000; WARM1=50000; WARM16=300000 # a JVM needs the full warm-up
else
    REPEAT=${REPEAT:-3}; N1=100000; N16=500000; WARM1=50000; WARM16=300000
fi

ensure_tools
ensure_jars kv-server/target/kv-server.jar kv-proxy/target/kv-proxy.jar

start_targets

# rb PORT ARGS...: one redis-benchmark run with $CLIENTS clients; "rps p50 p99" (ms) or "err".
rb() { rb_run "$1" "$CLIENTS" "${@:2}"; }

warm_up "$CLIENTS" $KEYS $WARM1 $WARM16
log "preloading $KEYS keys of 100 B into Redis and kv-server"
preload "${PORT[redis]}" $KEYS 100
preload "${PORT[kv-server]}" $KEYS 100
settle "${PORT[redis]}"

ALL="redis kv-server twemproxy kvproxy-redis kvproxy-kv"
PROXIES="twemproxy kvproxy-redis kvproxy-kv"
# id|label|targets|before (once, or "hot" before each run)|redis-benchmark arguments
WORKLOADS="set-100-p1|SET 100 B, P1|$ALL||-t set -d 100 -r $KEYS -P 1 -n $N1
get-100-p1|GET 100 B, P1|$ALL||-t get -d 100 -r $KEYS -P 1 -n $N1
set-100-p16|SET 100 B, P16|$ALL||-t set -d 100 -r $KEYS -P 16 -n $N16
get-100-p16|GET 100 B, P16|$ALL||-t get -d 100 -r $KEYS -P 16 -n $N16
hit-p1|GET cached (1k hot keys), P1|$PROXIES|hot|-t get -r 1000 -P 1 -n $N1
hit-p16|GET cached (1k hot keys), P16|$PROXIES|hot|-t get -r 1000 -P 16 -n $N16
miss-p1|GET miss (fresh keys), P1|$PROXIES||-t get -r 100000000 -P 1 -n $N1
miss-p16|GET miss (fresh keys), P16|$PROXIES||-t get -r 100000000 -P 16 -n $N16
set-1k-p1|SET 1 KB, P1|$ALL|preload1k|-t set -d 1024 -r $KEYS -P 1 -n $N1
get-1k-p1|GET 1 KB, P1|$ALL||-t get -d 1024 -r $KEYS -P 1 -n $N1"
if [ "$MODE" = full ]; then
    WORKLOADS="$WORKLOADS
set-1k-p16|SET 1 KB, P16|$ALL||-t set -d 1024 -r $KEYS -P 16 -n $N16
get-1k-p16|GET 1 KB, P16|$ALL||-t get -d 1024 -r $KEYS -P 16 -n $N16"
fi

RAW="$WORK/raw.txt"
: >"$RAW"
while IFS='|' read -r id label targets before args; do
    if [ "$before" = preload1k ]; then
        log "preloading $KEYS keys of 1 KB into Redis and kv-server"
        preload "${PORT[redis]}" $KEYS 1024
        preload "${PORT[kv-server]}" $KEYS 1024
        settle "${PORT[redis]}"
    fi
    read -r -a order <<<"$targets"
    for rep in $(seq 1 "$REPEAT"); do
        # Round-robin, starting one target later each repetition.
        n=${#order[@]}
        for i in $(seq 0 $(( n - 1 ))); do
            t=${order[$(( (i + rep - 1) % n ))]}
            [ "${UP[$t]}" = 1 ] || continue
            # shellcheck disable=SC2086
            [ "$before" = hot ] && rb "${PORT[$t]}" -t get -r 1000 -P 16 -n 20000 >/dev/null
            # shellcheck disable=SC2086
            result=$(rb "${PORT[$t]}" $args)
            echo "$id $t $rep $result" >>"$RAW"
            log "$label | ${LABEL[$t]} | rep $rep: $result"
        done
    done
done <<<"$WORKLOADS"

# ---- report ----
stat() { # ID TARGET COLUMN(4 rps, 5 p50, 6 p99)
    awk -v id="$1" -v t="$2" -v c="$3" '$1 == id && $2 == t && $4 != "err" { print $c }' "$RAW" | median
}

SUFFIX=""; [ "$MODE" = quick ] && SUFFIX="-quick"
results_file "$SUFFIX"
{
    echo "# kv compare ($MODE): $DATE, commit $SHORT"
    echo
    machine_header
    echo "- redis-benchmark: $CLIENTS clients, keys key:0..$(( KEYS - 1 )) (-r $KEYS), -n $N1 at P1 and $N16 at P16,"
    echo "  $REPEAT repetition(s), targets alternated, median shown; Redis: ${REDIS_ARGS:---appendonly yes --appendfsync everysec}"
    echo
    echo "Each cell: requests/s · p50 ms · p99 ms. Ratios: requests/s (p99)."
    echo
    header="| workload |"; rule="|---|"
    for t in "${TARGETS[@]}"; do header="$header ${LABEL[$t]} |"; rule="$rule---|"; done
    echo "$header kv-server/Redis | kv-proxy/twemproxy |"
    echo "$rule---|---|"
    while IFS='|' read -r id label targets _ _; do
        row="| $label |"
        for t in "${TARGETS[@]}"; do
            if [[ " $targets " != *" $t "* ]]; then
                row="$row — |"
            elif [ "${UP[$t]}" != 1 ]; then
                row="$row n/a |"
            else
                r=$(stat "$id" "$t" 4)
                if [ -z "$r" ]; then row="$row err |"; else
                    row="$row $(krps "$r") · $(stat "$id" "$t" 5) · $(stat "$id" "$t" 6) |"
                fi
            fi
        done
        kr=$(ratio "$(stat "$id" kv-server 4)" "$(stat "$id" redis 4)")
        kp=$(ratio "$(stat "$id" kv-server 6)" "$(stat "$id" redis 6)")
        pr=$(ratio "$(stat "$id" kvproxy-redis 4)" "$(stat "$id" twemproxy 4)")
        pp=$(ratio "$(stat "$id" kvproxy-redis 6)" "$(stat "$id" twemproxy 6)")
        cell1="$kr ($kp)"; [ "$kr" = "—" ] && cell1="—"
        cell2="$pr ($pp)"; [ "$pr" = "—" ] && cell2="—"
        echo "$row $cell1 | $cell2 |"
    done <<<"$WORKLOADS"
    echo
    echo "How the proxy rows are made: *GET cached* reads 1,000 keys (-r 1000) after an unmeasured"
    echo "pass over the same keys, so a caching proxy answers every read itself; *GET miss* reads"
    echo "random keys out of 10^8 that were never written or read, so each read goes to the backend."
    echo "The 100 B and 1 KB GET rows read 100,000 preloaded keys. kv-proxy/twemproxy compares"
    echo "kv-proxy→Redis with twemproxy→Redis (same backend)."
    echo
    raw_details "$RAW" "Every run (workload target repetition rps p50 p99)"
} >"$OUT"
show_report
