# Shared by compare.sh, ycsb.sh and memory.sh: tools, ports, starting and stopping targets.
# Source it; it sets ROOT (the repository), WORK (a temp dir) and a trap that kills every
# process started through start_bg and removes WORK.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kv-bench.XXXXXX")
PIDS=()
KV_JAVA_OPTS=${KV_JAVA_OPTS:-}

# parse_mode USAGE_LINES "$@": sets MODE to quick (--quick) or full; -h prints the script's
# usage comment (lines USAGE_LINES of it, e.g. 2,10) and exits; anything else is an error.
parse_mode() {
    local usage=$1 arg
    shift
    MODE=full
    for arg in "$@"; do
        case "$arg" in
            --quick) MODE=quick ;;
            -h|--help) sed -n "${usage}p" "$0"; exit 0 ;;
            *) echo "unknown argument: $arg" >&2; exit 2 ;;
        esac
    done
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Installs redis-server, redis-tools and nutcracker from Debian if any is missing.
ensure_tools() {
    local missing=()
    command -v redis-server >/dev/null || missing+=(redis-server)
    command -v redis-benchmark >/dev/null || missing+=(redis-tools)
    command -v nutcracker >/dev/null || [ -x /usr/sbin/nutcracker ] || missing+=(nutcracker)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        local sudo=
        [ "$(id -u)" -ne 0 ] && sudo=sudo
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    export PATH="$PATH:/usr/sbin"
}

# Builds the jars if missing (the README asks for `mvn -DskipTests package` first).
ensure_jars() {
    local jar
    for jar in "$@"; do
        if [ ! -f "$ROOT/$jar" ]; then
            log "building (missing $jar)"
            (cd "$ROOT" && mvn -B -q -DskipTests package) || exit 1
            return
        fi
    done
}

# next_port VAR: sets VAR to a free loopback TCP port, a different one on each call (no
# subshell, so the counter survives). Ports are taken below the kernel's ephemeral range, so
# that no outgoing connection (a PING, a benchmark client, a proxy's backend connection) can
# take one between its choice and the target's bind.
EPHEMERAL_LOW=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$EPHEMERAL_LOW" -gt 12000 ] 2>/dev/null || EPHEMERAL_LOW=32768
LAST_PORT=$(( 10000 + RANDOM % (EPHEMERAL_LOW - 11000) ))
next_port() {
    local p=$LAST_PORT
    while :; do
        p=$(( p + 1 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            LAST_PORT=$p
            printf -v "$1" '%s' "$p"
            return
        fi
    done
}

# start_bg NAME CMD...: runs CMD in the background, output to $WORK/NAME.log; sets BG_PID.
start_bg() {
    local name=$1
    shift
    "$@" >"$WORK/$name.log" 2>&1 &
    BG_PID=$!
    PIDS+=("$BG_PID")
}

# wait_ping PORT PID SECONDS [HTTP_PORT]: 0 once PORT answers PING, 1 if PID died or time ran
# out; with HTTP_PORT, also gives up 5 s after the app's Actuator is up with no RESP listener
# (an application that does not serve RESP yet).
wait_ping() {
    local port=$1 pid=$2 seconds=$3 http=${4:-} http_up_since=
    local deadline=$(( $(date +%s) + seconds ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        if redis-cli -p "$port" PING 2>/dev/null | grep -q PONG; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        if [ -n "$http" ] && [ -z "$http_up_since" ] &&
                curl -fs -o /dev/null "http://127.0.0.1:$http/actuator/health" 2>/dev/null; then
            http_up_since=$(date +%s)
        fi
        if [ -n "$http_up_since" ] && [ $(( $(date +%s) - http_up_since )) -ge 5 ]; then
            return 1
        fi
        sleep 0.3
    done
    return 1
}

start_redis() { # PORT DIR -> BG_PID
    mkdir -p "$2"
    # Redis with the durability kv-server has by default: an append-only log synced every
    # second, no RDB snapshots. Override with REDIS_ARGS.
    start_bg "redis-$1" redis-server --port "$1" --bind 127.0.0.1 --dir "$2" --save "" \
        ${REDIS_ARGS:---appendonly yes --appendfsync everysec} --daemonize no
}

start_kv_server() { # PORT HTTP DIR -> BG_PID
    # shellcheck disable=SC2086
    start_bg "kv-server-$1" java $KV_JAVA_OPTS -jar "$ROOT/kv-server/target/kv-server.jar" \
        --kv.server.port="$1" --kv.server.data-dir="$3" --server.port="$2"
}

start_kv_proxy() { # PORT HTTP BACKEND_PORT -> BG_PID
    # shellcheck disable=SC2086
    start_bg "kv-proxy-$1" java $KV_JAVA_OPTS -jar "$ROOT/kv-proxy/target/kv-proxy.jar" \
        --kv.proxy.port="$1" --kv.proxy.bind=127.0.0.1 \
        --kv.proxy.backends="127.0.0.1:$3" --server.port="$2"
}

start_twemproxy() { # PORT REDIS_PORT STATS_PORT -> BG_PID
    local conf="$WORK/nutcracker-$1.yml"
    cat >"$conf" <<EOF
kv:
  listen: 127.0.0.1:$1
  hash: fnv1a_64
  distribution: ketama
  redis: true
  server_retry_timeout: 2000
  server_failure_limit: 1
  servers:
   - 127.0.0.1:$2:1
EOF
    start_bg "twemproxy-$1" nutcracker -c "$conf" -s "$3" -a 127.0.0.1 -v 4
}

# preload PORT COUNT VALUE_SIZE [random]: SET key:%012d (redis-benchmark's key names) for
# 0..COUNT-1 straight into a server, through redis-cli --pipe. Values are 'x' repeated, like
# redis-benchmark's; with "random" they cycle through 1,024 random printable strings, so block
# compression (RocksDB's LZ4) cannot shrink them much more than Redis can.
preload() {
    set_commands "$2" "$3" "${4:-}" | redis-cli -p "$1" --pipe >/dev/null
}

# set_commands COUNT VALUE_SIZE [random]: preload's SET commands (RESP), on stdout.
set_commands() {
    local count=$1 size=$2 random=${3:-}
    awk -v n="$count" -v size="$size" -v random="$random" 'BEGIN {
        srand(1)
        pool = random == "" ? 1 : 1024
        for (p = 0; p < pool; p++) {
            v = ""
            for (j = 0; j < size; j++) {
                v = v (random == "" ? "x" : sprintf("%c", 33 + int(rand() * 94)))
            }
            values[p] = v
        }
        for (i = 0; i < n; i++) {
            k = sprintf("key:%012d", i)
            printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, size, values[i % pool]
        }
    }'
}

# settle REDIS_PORT: after a bulk load, wait (at most 60 s) for Redis's AOF rewrite to end and
# give RocksDB's flush a moment, so the next measurement does not compete with a fork.
settle() {
    local port=$1
    for _ in $(seq 1 120); do
        redis-cli -p "$port" INFO persistence 2>/dev/null |
            grep -Eq '^aof_rewrite_(in_progress|scheduled):1' || break
        sleep 0.5
    done
    sleep 2
}

# The machine, for results headers.
machine_header() {
    local commit
    commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- commit: $commit$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
    echo "- cores: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
    echo "- JDK: $(java -version 2>&1 | head -2 | tail -1)"
    echo "- Redis: $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), twemproxy $(nutcracker --version 2>&1 | sed -n 's/^This is nutcracker-//p')"
    echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---- the targets of compare.sh and shapes.sh ----------------------------------------------

# start_targets: Redis, kv-server, twemproxy in front of that Redis, kv-proxy in front of that
# Redis and kv-proxy in front of that kv-server, on free ports. Sets TARGETS (their ids), LABEL,
# PORT, HTTP (Actuator ports), PID and UP (1 if it answers PING; a target that does not is
# killed, its log's end printed, and its rows are n/a). Each JVM gets 300 s to start: at a load
# average of 25 on 2 cores one took over 120 s.
start_targets() {
    TARGETS=(redis kv-server twemproxy kvproxy-redis kvproxy-kv)
    declare -gA LABEL=([redis]="Redis" [kv-server]="kv-server" [twemproxy]="twemproxy→Redis"
        [kvproxy-redis]="kv-proxy→Redis" [kvproxy-kv]="kv-proxy→kv-server")
    declare -gA PORT=() HTTP=() PID=() UP=()
    local t stats
    for t in "${TARGETS[@]}"; do next_port "PORT[$t]"; done
    for t in kv-server kvproxy-redis kvproxy-kv; do next_port "HTTP[$t]"; done
    next_port stats

    log "starting targets (work dir $WORK)"
    start_redis "${PORT[redis]}" "$WORK/redis"; PID[redis]=$BG_PID
    start_kv_server "${PORT[kv-server]}" "${HTTP[kv-server]}" "$WORK/kv-data"; PID[kv-server]=$BG_PID
    wait_ping "${PORT[redis]}" "${PID[redis]}" 20 || { log "Redis did not start"; cat "$WORK"/redis-*.log; exit 1; }
    start_twemproxy "${PORT[twemproxy]}" "${PORT[redis]}" "$stats"; PID[twemproxy]=$BG_PID
    start_kv_proxy "${PORT[kvproxy-redis]}" "${HTTP[kvproxy-redis]}" "${PORT[redis]}"; PID[kvproxy-redis]=$BG_PID
    wait_ping "${PORT[kv-server]}" "${PID[kv-server]}" 300 "${HTTP[kv-server]}" ||
        { log "kv-server did not answer PING"; tail -30 "$WORK"/kv-server-*.log; exit 1; }
    start_kv_proxy "${PORT[kvproxy-kv]}" "${HTTP[kvproxy-kv]}" "${PORT[kv-server]}"; PID[kvproxy-kv]=$BG_PID
    for t in "${TARGETS[@]}"; do
        if wait_ping "${PORT[$t]}" "${PID[$t]}" 300 "${HTTP[$t]:-}"; then
            UP[$t]=1
        else
            UP[$t]=0
            log "${LABEL[$t]} does not answer PING on ${PORT[$t]}: its rows are n/a; the end of its log:"
            tail -15 "$WORK"/*-"${PORT[$t]}".log >&2
            kill "${PID[$t]}" 2>/dev/null
        fi
    done
}

# rb_run PORT CLIENTS ARGS...: one redis-benchmark run; prints "rps p50 p99" (ms) or "err".
rb_run() {
    local port=$1 clients=$2
    shift 2
    timeout 300 redis-benchmark -h 127.0.0.1 -p "$port" -c "$clients" --csv "$@" 2>/dev/null |
        awk -F, 'NR > 1 && NF >= 8 { gsub(/"/, ""); print $2, $5, $7; found = 1 }
                     END { if (!found) print "err" }' | tail -1
}

# warm_up CLIENTS KEYS N1 N16: SET+GET at pipeline 16 (N16 requests) and 1 (N1), then GETs of
# keys never written (a caching proxy's miss path, which the SET+GET warm-up does not reach),
# against every target that is up, so that the JVMs have compiled what is measured.
warm_up() {
    local clients=$1 keys=$2 n1=$3 n16=$4 t
    log "warming up"
    for t in "${TARGETS[@]}"; do
        [ "${UP[$t]}" = 1 ] || continue
        rb_run "${PORT[$t]}" "$clients" -t set,get -d 100 -r "$keys" -P 16 -n "$n16" >/dev/null
        rb_run "${PORT[$t]}" "$clients" -t set,get -d 100 -r "$keys" -P 1 -n "$n1" >/dev/null
        rb_run "${PORT[$t]}" "$clients" -t get -r 100000000 -P 16 -n "$n16" >/dev/null
    done
}

# ---- report helpers ------------------------------------------------------------------------

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else print v[int((NR + 1) / 2)] }'; }
krps() { awk -v r="$1" 'BEGIN { printf "%.1fk", r / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "—"; else printf "%.2f×", a / b }'; }

# results_file KIND: sets DATE, SHORT (the commit) and OUT, the report's path:
# bench/results/YYYY-MM-DD-<commit>KIND.md (KIND e.g. "-quick", "-shapes").
results_file() {
    DATE=$(date -u +%F)
    SHORT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    mkdir -p "$ROOT/bench/results"
    OUT="$ROOT/bench/results/$DATE-$SHORT$1.md"
}

# raw_details FILE SUMMARY: the raw lines of a run, folded away, for the end of a report.
raw_details() {
    echo "<details><summary>$2</summary>"
    echo
    echo '```'
    cat "$1"
    echo '```'
    echo "</details>"
}

# show_report: prints the report OUT without its raw lines and says where it is.
show_report() {
    echo
    sed '/<details>/,$d' "$OUT"
    log "saved $OUT"
}
