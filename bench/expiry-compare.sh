#!/usr/bin/env bash
# redis-benchmark -t incr,set,get, and SET with EX (a custom command line), against Redis and
# kv-server side by side: targets alternated, median of the repetitions, kv/Redis ratios.
#
#   bench/expiry-compare.sh            (REPEAT=3, N=100000, CLIENTS=50; PIPELINES="1 16")
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

REPEAT=${REPEAT:-3}; N=${N:-100000}; CLIENTS=${CLIENTS:-50}; KEYS=100000; PIPELINES=${PIPELINES:-"1 16"}
ensure_tools
ensure_jars kv-server/target/kv-server.jar
next_port RP; next_port KP; next_port KH
start_redis "$RP" "$WORK/redis"; RPID=$BG_PID
start_kv_server "$KP" "$KH" "$WORK/kv-data"; KPID=$BG_PID
wait_ping "$RP" "$RPID" 20 || { log "Redis did not start"; exit 1; }
wait_ping "$KP" "$KPID" 120 "$KH" || { log "kv-server did not start"; tail -30 "$WORK"/kv-server-*.log; exit 1; }

rb() { # PORT ARGS... -> "rps p50 p99"
    local port=$1; shift
    timeout 300 redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" --csv "$@" 2>/dev/null |
        awk -F, 'NR > 1 && NF >= 8 { gsub(/"/, ""); print $2, $5, $7; found = 1 } END { if (!found) print "err" }' | tail -1
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

log "warming up"
for p in "$RP" "$KP"; do
    rb "$p" -t set,get,incr -r $KEYS -P 16 -n 300000 >/dev/null
    rb "$p" -t set,get,incr -r $KEYS -P 1 -n 50000 >/dev/null
    rb "$p" -r $KEYS -P 1 -n 50000 SET 'key:__rand_int__' value EX 100 >/dev/null
done

printf '%-16s %3s %12s %12s %7s\n' workload P "Redis rps" "kv rps" "kv/Redis"
for P in $PIPELINES; do
    for w in incr set get set-ex; do
        declare -a R=() K=()
        for i in $(seq 1 "$REPEAT"); do
            for t in redis kv; do
                port=$RP; [ $t = kv ] && port=$KP
                if [ $w = set-ex ]; then
                    out=$(rb "$port" -r $KEYS -P "$P" -n "$N" SET 'key:__rand_int__' value EX 100)
                else
                    out=$(rb "$port" -t "$w" -r $KEYS -P "$P" -n "$N")
                fi
                rps=${out%% *}
                if [ $t = redis ]; then R+=("$rps"); else K+=("$rps"); fi
            done
        done
        r=$(printf '%s\n' "${R[@]}" | median); k=$(printf '%s\n' "${K[@]}" | median)
        printf '%-16s %3s %12s %12s %7.2f\n' "$w" "$P" "$r" "$k" "$(echo "$k / $r" | bc -l)"
    done
done
