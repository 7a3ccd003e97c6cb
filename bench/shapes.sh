#!/usr/bin/env bash
# Shapes of load beyond compare.sh's 50 clients (issue 16), kv next to its peer in the same run:
# kv-server next to Redis (AOF everysec) and kv-proxy next to twemproxy, targets alternated,
# medians, ratios. See bench/README.md.
#
#   bench/shapes.sh [--quick]     (--quick: one repetition, fewer requests, no 10M keys; < 3 min
#                                   on a quiet machine; full: about 25 min)
#
# Shapes: clients {1,4,50,500} x pipeline {1,16,128} for SET and GET; one connection's deep
# pipeline of 50k SET/GET pairs on the same key and on another key; redis-cli --pipe loading 1M
# keys; 4 clients each sending values of 1 KB, 100 KB, 10 MB and 200 MB (time and RSS); 10M keys
# (RSS, then GET/SET rates; full mode only).
#
# Environment: KV_JAVA_OPTS, REDIS_ARGS (as compare.sh), REPEAT (repetitions in full mode, 3),
# SECTIONS (which shapes, default "grid pairs bulk values" plus "many" in full mode).
set -uo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
parse_mode 2,16 "$@"

KEYS=100000
PAIRS=50000
BULK_KEYS=1000000
MANY_KEYS=10000000
if [ "$MODE" = quick ]; then
    REPEAT=1; N_P1=10000; N_P16=50000; N_P128=200000; WARM1=20000; WARM16=200000
    SECTIONS=${SECTIONS:-grid pairs bulk values}
else
    REPEAT=${REPEAT:-3}; N_P1=50000; N_P16=300000; N_P128=1000000; WARM1=50000; WARM16=300000
    SECTIONS=${SECTIONS:-grid pairs bulk values many}
fi
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

ensure_tools
command -v python3 >/dev/null || { log "python3 is needed (bench/values.py)"; exit 1; }
ensure_jars kv-server/target/kv-server.jar kv-proxy/target/kv-proxy.jar
start_targets
GRID_TARGETS="redis kv-server twemproxy kvproxy-redis"
SERVERS="redis kv-server"
ALL="${TARGETS[*]}"

RAW="$WORK/raw.txt"
: >"$RAW"
ROTATE=0
section() { [[ " $SECTIONS " == *" $1 "* ]]; }

# each_target ID "TARGETS" CMD...: runs CMD PORT TARGET for every target that is up, REPEAT
# times, round-robin starting one target later each repetition; appends "ID TARGET REP RESULT".
each_target() {
    local id=$1 order t rep i n result
    read -r -a order <<<"$2"
    shift 2
    n=${#order[@]}
    ROTATE=$(( ROTATE + 1 )) # each shape starts with another target
    for rep in $(seq 1 "$REPEAT"); do
        for i in $(seq 0 $(( n - 1 ))); do
            t=${order[$(( (i + rep + ROTATE) % n ))]}
            [ "${UP[$t]}" = 1 ] || continue
            result=$("$@" "${PORT[$t]}" "$t")
            echo "$id $t $rep $result" >>"$RAW"
            log "$id | ${LABEL[$t]} | rep $rep: $result"
        done
    done
}

# timed_pipe COMMANDS REPLIES PORT TARGET: seconds for one connection to send the file COMMANDS
# (RESP) and receive exactly the bytes of REPLIES (bench/pipe.py; "err" if they differ).
timed_pipe() {
    timeout 600 python3 "$ROOT/bench/pipe.py" --port "$3" --send "$1" --expect "$2" || echo err
}

# timed_redis_pipe REPLIES FILE PORT TARGET: seconds for redis-cli --pipe to send FILE and read
# its REPLIES replies; "err" if one was an error or missing. (It ends with an ECHO, which
# twemproxy does not forward: not for twemproxy.)
timed_redis_pipe() {
    local start end out
    start=$(date +%s.%N)
    out=$(timeout 600 redis-cli -p "$3" --pipe <"$2" 2>&1)
    end=$(date +%s.%N)
    if ! grep -q "errors: 0, replies: $1\$" <<<"$out"; then
        log "redis-cli --pipe on $3: $(tail -1 <<<"$out")"
        echo err
        return
    fi
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

# repeat_text COUNT TEXT: TEXT (printf escapes allowed) COUNT times, on stdout.
repeat_text() { awk -v n="$1" -v text="$2" 'BEGIN { for (i = 0; i < n; i++) printf text }'; }

# ---- clients x pipeline ----
if section grid; then
    warm_up 50 $KEYS $WARM1 $WARM16
    log "preloading $KEYS keys of 100 B into Redis and kv-server"
    preload "${PORT[redis]}" $KEYS 100
    preload "${PORT[kv-server]}" $KEYS 100
    settle "${PORT[redis]}"
    grid_run() { # COMMAND CLIENTS PIPELINE N PORT TARGET
        rb_run "$5" "$2" -t "$1" -d 100 -r $KEYS -P "$3" -n "$4"
    }
    for command in set get; do
        for clients in 1 4 50 500; do
            for pipeline in 1 16 128; do
                n=$N_P1; [ "$pipeline" = 16 ] && n=$N_P16; [ "$pipeline" = 128 ] && n=$N_P128
                [ $(( n / clients )) -lt 20 ] && n=$(( clients * 20 ))
                each_target "grid-$command-c$clients-p$pipeline" "$GRID_TARGETS" \
                    grid_run "$command" "$clients" "$pipeline" "$n"
            done
        done
    done
fi

# ---- one connection's deep pipeline of SET/GET pairs ----
if section pairs; then
    SET_KV='*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n'
    repeat_text $PAIRS "$SET_KV"'*2\r\n$3\r\nGET\r\n$1\r\nk\r\n' >"$WORK/pairs-same.resp"
    repeat_text $PAIRS '+OK\r\n$1\r\nv\r\n' >"$WORK/pairs-same.replies"
    repeat_text $PAIRS "$SET_KV"'*2\r\n$3\r\nGET\r\n$5\r\nother\r\n' >"$WORK/pairs-other.resp"
    repeat_text $PAIRS '+OK\r\n$-1\r\n' >"$WORK/pairs-other.replies"
    for kind in same other; do
        # one unmeasured pass (the JIT, the proxy's connections), then the measured ones
        for t in $ALL; do
            [ "${UP[$t]}" = 1 ] && timed_pipe "$WORK/pairs-$kind".{resp,replies} "${PORT[$t]}" >/dev/null
        done
        each_target "pairs-$kind" "$ALL" timed_pipe "$WORK/pairs-$kind".{resp,replies}
    done
fi

# ---- bulk load through redis-cli --pipe ----
if section bulk; then
    log "writing $BULK_KEYS SET commands (100 B random values)"
    set_commands $BULK_KEYS 100 random >"$WORK/bulk.resp" # key:%012d, over the grid's 100k keys
    bulk_targets=$SERVERS
    [ "$MODE" = full ] && bulk_targets="$SERVERS kvproxy-redis kvproxy-kv"
    bulk_run() { # PORT TARGET: the same keys each time, so every repetition overwrites
        local seconds
        seconds=$(timed_redis_pipe $BULK_KEYS "$WORK/bulk.resp" "$1")
        [ "$2" = redis ] || [ "$2" = kvproxy-redis ] && settle "${PORT[redis]}" >/dev/null
        echo "$seconds"
    }
    each_target bulk "$bulk_targets" bulk_run
    rm -f "$WORK/bulk.resp"
fi

# ---- big values ----
if section values; then
    for t in $SERVERS; do redis-cli -p "${PORT[$t]}" FLUSHALL >/dev/null; done
    settle "${PORT[redis]}"
    for spec in 1024:1000 102400:100 10485760:2 209715200:1; do
        size=${spec%%:*}; count=${spec##*:}
        values_run() { # PORT TARGET: "set_s get_s rss_before rss_peak rss_after"
            local out
            out=$(timeout 900 python3 "$ROOT/bench/values.py" --port "$1" --pid "${PID[$2]}" \
                --size "$size" --clients 4 --count "$count" --key-prefix "v$rep") || out=err
            redis-cli -p "$1" FLUSHALL >/dev/null
            [ "$2" = redis ] && settle "$1"
            echo "${out:-err}"
        }
        each_target "values-$size" "$SERVERS" values_run
    done
fi

# ---- 10M keys ----
if section many; then
    for t in $SERVERS; do redis-cli -p "${PORT[$t]}" FLUSHALL >/dev/null; done
    settle "${PORT[redis]}"
    rss_of() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }
    for t in $SERVERS; do
        [ "${UP[$t]}" = 1 ] || continue
        before=$(rss_of "${PID[$t]}")
        log "loading $MANY_KEYS keys into ${LABEL[$t]}"
        start=$(date +%s.%N)
        timeout 1800 bash -c "$(declare -f set_commands); set_commands $MANY_KEYS 100 random" |
            redis-cli -p "${PORT[$t]}" --pipe >/dev/null
        end=$(date +%s.%N)
        settle "${PORT[redis]}"
        sleep 5
        echo "many-load $t 1 $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') $before $(rss_of "${PID[$t]}") $(redis-cli -p "${PORT[$t]}" DBSIZE)" >>"$RAW"
    done
    many_run() { # COMMAND PORT TARGET
        rb_run "$2" 50 -t "$1" -d 100 -r $MANY_KEYS -P 16 -n $N_P128
    }
    each_target many-get "$SERVERS" many_run get
    each_target many-set "$SERVERS" many_run set
fi

# ---- report ----
stat() { # ID TARGET COLUMN (4 = the first number of the result)
    awk -v id="$1" -v t="$2" -v c="$3" '$1 == id && $2 == t && $4 != "err" { print $c }' "$RAW" | median
}
mb() { [ -z "$1" ] && { echo "—"; return; }; awk -v b="$1" 'BEGIN { printf "%.0f MB", b / 1048576 }'; }
secs() { [ -z "$1" ] && echo "—" || echo "$1 s"; }
# rss_delta ID TARGET COLUMN: median over repetitions of (column - rss_before)
rss_delta() {
    awk -v id="$1" -v t="$2" -v c="$3" '$1 == id && $2 == t && $4 != "err" { print $c - $6 }' "$RAW" | median
}

SUFFIX="-shapes"; [ "$MODE" = quick ] && SUFFIX="-shapes-quick"
results_file "$SUFFIX"
{
    echo "# kv shapes ($MODE): $DATE, commit $SHORT"
    echo
    machine_header
    echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (at start of the script: $LOAD_START)"
    echo "- $REPEAT repetition(s), targets alternated, median shown; Redis: ${REDIS_ARGS:---appendonly yes --appendfsync everysec}"
    if section grid; then
        echo
        echo "## Clients × pipeline (redis-benchmark, 100 B values, keys -r $KEYS preloaded)"
        echo
        echo "Requests: $N_P1 at P1, $N_P16 at P16, $N_P128 at P128 (at least 20 per client). Each cell: requests/s ·"
        echo "p99 ms. Ratios: requests/s (above 1: kv faster). Targets: kv-server ≥ 0.8× Redis, kv-proxy ≥ 0.8× twemproxy."
        echo
        echo "| command | clients | pipeline | Redis | kv-server | twemproxy→Redis | kv-proxy→Redis | kv-server/Redis | kv-proxy/twemproxy |"
        echo "|---|---|---|---|---|---|---|---|---|"
        for command in set get; do
            for clients in 1 4 50 500; do
                for pipeline in 1 16 128; do
                    id="grid-$command-c$clients-p$pipeline"
                    row="| ${command^^} | $clients | $pipeline |"
                    for t in $GRID_TARGETS; do
                        r=$(stat "$id" "$t" 4)
                        if [ -z "$r" ]; then row="$row n/a |"; else row="$row $(krps "$r") · $(stat "$id" "$t" 6) |"; fi
                    done
                    echo "$row $(ratio "$(stat "$id" kv-server 4)" "$(stat "$id" redis 4)") | $(ratio "$(stat "$id" kvproxy-redis 4)" "$(stat "$id" twemproxy 4)") |"
                done
            done
        done
    fi
    if section pairs; then
        echo
        echo "## One connection, $PAIRS SET/GET pairs sent in one pipeline while the replies are read (bench/pipe.py), seconds"
        echo
        echo "Times: lower is better; ratios are times (target: kv-proxy→kv-server within 1.5× of kv-server)."
        echo
        echo "| pairs | Redis | kv-server | twemproxy→Redis | kv-proxy→Redis | kv-proxy→kv-server | kv-server/Redis | kv-proxy→kv-server / kv-server | kv-proxy/twemproxy |"
        echo "|---|---|---|---|---|---|---|---|---|"
        for kind in same other; do
            label='`SET k v` + `GET k`'; [ "$kind" = other ] && label='`SET k v` + `GET other`'
            row="| $label |"
            for t in $ALL; do row="$row $(secs "$(stat "pairs-$kind" "$t" 4)") |"; done
            echo "$row $(ratio "$(stat "pairs-$kind" kv-server 4)" "$(stat "pairs-$kind" redis 4)") | $(ratio "$(stat "pairs-$kind" kvproxy-kv 4)" "$(stat "pairs-$kind" kv-server 4)") | $(ratio "$(stat "pairs-$kind" kvproxy-redis 4)" "$(stat "pairs-$kind" twemproxy 4)") |"
        done
    fi
    if section bulk; then
        echo
        echo "## Bulk load: redis-cli --pipe of $BULK_KEYS SETs (16 B keys, 100 B random values)"
        echo
        echo "| target | seconds | keys/s | rate / its backend's (kv-proxy), or Redis's |"
        echo "|---|---|---|---|"
        for t in redis kv-server kvproxy-redis kvproxy-kv; do
            s=$(stat bulk "$t" 4)
            [ -z "$s" ] && continue
            peer=redis; [ "$t" = kvproxy-kv ] && peer=kv-server
            r="—"; [ "$t" != redis ] && r=$(ratio "$(stat bulk "$peer" 4)" "$s")
            echo "| ${LABEL[$t]} | $s | $(krps "$(awk -v s="$s" -v n=$BULK_KEYS 'BEGIN { print n / s }')") | $r |"
        done
        echo
        echo "Target: kv-server ≥ 0.8× Redis's rate. (Not through twemproxy: redis-cli --pipe ends with an ECHO, which"
        echo "twemproxy does not forward.)"
    fi
    if section values; then
        echo
        echo "## Big values: 4 clients at once, each SETs its values pipelined, then GETs them back (bench/values.py)"
        echo
        echo "RSS: the server process's VmRSS, highest seen (sampled every 20 ms) minus before the SETs, and once the GETs"
        echo "are answered minus before. Ratios kv-server/Redis (target: within 2× in time and memory)."
        echo
        echo "| values | Redis SET · GET | kv-server SET · GET | Redis RSS peak · after | kv-server RSS peak · after | SET time | GET time | peak RSS |"
        echo "|---|---|---|---|---|---|---|---|"
        for spec in 1024:1000 102400:100 10485760:2 209715200:1; do
            size=${spec%%:*}; count=${spec##*:}
            id="values-$size"
            label=$(awk -v s="$size" 'BEGIN { if (s >= 1048576) printf "%d MB", s / 1048576; else printf "%d KB", s / 1024 }')
            row="| 4 × $count × $label |"
            for t in $SERVERS; do row="$row $(secs "$(stat "$id" "$t" 4)") · $(secs "$(stat "$id" "$t" 5)") |"; done
            for t in $SERVERS; do row="$row +$(mb "$(rss_delta "$id" "$t" 7)") · +$(mb "$(rss_delta "$id" "$t" 8)") |"; done
            echo "$row $(ratio "$(stat "$id" kv-server 4)" "$(stat "$id" redis 4)") | $(ratio "$(stat "$id" kv-server 5)" "$(stat "$id" redis 5)") | $(ratio "$(rss_delta "$id" kv-server 7)" "$(rss_delta "$id" redis 7)") |"
        done
    fi
    if section many; then
        echo
        echo "## $MANY_KEYS keys (16 B keys, 100 B random values), loaded with redis-cli --pipe"
        echo
        echo "| | Redis | kv-server | kv-server/Redis |"
        echo "|---|---|---|---|"
        echo "| load seconds | $(stat many-load redis 4) | $(stat many-load kv-server 4) | $(ratio "$(stat many-load kv-server 4)" "$(stat many-load redis 4)") |"
        echo "| RSS after loading | $(mb "$(stat many-load redis 6)") | $(mb "$(stat many-load kv-server 6)") | $(ratio "$(stat many-load kv-server 6)" "$(stat many-load redis 6)") |"
        echo "| keys (DBSIZE) | $(stat many-load redis 7) | $(stat many-load kv-server 7) | |"
        echo "| GET, 50 clients, P16, random keys | $(krps "$(stat many-get redis 4)")/s | $(krps "$(stat many-get kv-server 4)")/s | $(ratio "$(stat many-get kv-server 4)" "$(stat many-get redis 4)") |"
        echo "| SET, 50 clients, P16, random keys | $(krps "$(stat many-set redis 4)")/s | $(krps "$(stat many-set kv-server 4)")/s | $(ratio "$(stat many-set kv-server 4)" "$(stat many-set redis 4)") |"
    fi
    echo
    raw_details "$RAW" "Every run (id target repetition result)"
} >"$OUT"
show_report
