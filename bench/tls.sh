#!/usr/bin/env bash
# redis-benchmark --tls against kv-server's TLS port and Debian's redis-server's TLS port, same
# run, same certificates (EC P-256, made here with openssl), targets alternated; plain TCP of
# both too, for what TLS costs each. Prints a Markdown report (see bench/results/*-tls.md).
#
#   bench/tls.sh [--quick]     (--quick: one repetition, shorter runs)
#
# Environment: KV_JAVA_OPTS (JVM flags for kv-server), REPEAT (repetitions: 3, --quick 1), CLIENTS (50),
# KV_SERVER_JAR (default kv-server/target/kv-server.jar).
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

CLIENTS=${CLIENTS:-50}
if [ "$MODE" = quick ]; then
    REPEAT=${REPEAT:-1}; N1=20000; N16=100000
else
    REPEAT=${REPEAT:-3}; N1=100000; N16=400000
fi

ensure_tools
ensure_jars kv-server/target/kv-server.jar

CERTS="$WORK/certs"
mkdir -p "$CERTS"
(
    cd "$CERTS" || exit 1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt \
        -days 30 -subj "/CN=kv bench CA" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
        -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 30 \
        -extfile server.ext 2>/dev/null
) || { log "openssl failed"; exit 1; }

next_port REDIS_PORT; next_port REDIS_TLS; next_port KV_PORT; next_port KV_TLS; next_port KV_HTTP
log "starting targets (work dir $WORK)"
mkdir -p "$WORK/redis"
start_bg "redis-$REDIS_PORT" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save "" \
    ${REDIS_ARGS:---appendonly yes --appendfsync everysec} --daemonize no \
    --tls-port "$REDIS_TLS" --tls-cert-file "$CERTS/server.crt" --tls-key-file "$CERTS/server.key" \
    --tls-ca-cert-file "$CERTS/ca.crt" --tls-auth-clients no
REDIS_PID=$BG_PID
# shellcheck disable=SC2086
start_bg "kv-server-$KV_PORT" java $KV_JAVA_OPTS -jar "${KV_SERVER_JAR:-$ROOT/kv-server/target/kv-server.jar}" \
    --kv.server.port="$KV_PORT" --kv.server.data-dir="$WORK/kv-data" --server.port="$KV_HTTP" \
    --kv.server.tls-port="$KV_TLS" --kv.server.tls-cert-file="$CERTS/server.crt" \
    --kv.server.tls-key-file="$CERTS/server.key" --kv.server.tls-auth-clients=no
KV_PID=$BG_PID
wait_ping "$REDIS_PORT" "$REDIS_PID" 20 || { log "Redis did not start"; exit 1; }
wait_ping "$KV_PORT" "$KV_PID" 300 "$KV_HTTP" || { log "kv-server did not start"; tail -30 "$WORK"/kv-server-*.log; exit 1; }

HEADER=$(machine_header) # its load average is the one as the measurements begin

# bench PORT TLS(0|1) TEST N PIPELINE [KEEPALIVE]: requests per second. KEEPALIVE 0: a new
# connection (and with TLS a full handshake) for every request.
bench() {
    local port=$1 tls=$2 test=$3 n=$4 pipeline=$5 keepalive=${6:-1} flags=()
    [ "$tls" = 1 ] && flags=(--tls --cacert "$CERTS/ca.crt")
    redis-benchmark -h 127.0.0.1 -p "$port" "${flags[@]}" -t "$test" -n "$n" -c "$CLIENTS" -P "$pipeline" \
        -k "$keepalive" -r 100000 -d 64 --csv 2>/dev/null | awk -F'","' 'NR > 1 { gsub(/"/, "", $2); print $2; exit }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "n/a") }'; }

log "warming up kv-server (plain and TLS)"
bench "$KV_PORT" 0 set "$N1" 1 >/dev/null
bench "$KV_TLS" 1 get "$N1" 1 >/dev/null

declare -A RESULT
for pipeline in 1 16; do
    n=$N1
    [ "$pipeline" = 16 ] && n=$N16
    for test in set get; do
        for tls in 1 0; do
            rs=(); ks=()
            for _ in $(seq 1 "$REPEAT"); do
                if [ "$tls" = 1 ]; then rp=$REDIS_TLS; kp=$KV_TLS; else rp=$REDIS_PORT; kp=$KV_PORT; fi
                rs+=("$(bench "$rp" "$tls" "$test" "$n" "$pipeline")")
                ks+=("$(bench "$kp" "$tls" "$test" "$n" "$pipeline")")
            done
            RESULT[redis,$tls,$test,$pipeline]=$(printf '%s\n' "${rs[@]}" | median)
            RESULT[kv,$tls,$test,$pipeline]=$(printf '%s\n' "${ks[@]}" | median)
            log "P$pipeline $test tls=$tls: redis ${RESULT[redis,$tls,$test,$pipeline]}, kv ${RESULT[kv,$tls,$test,$pipeline]}"
        done
    done
done

# Handshakes: PING with a new connection per request.
NK=${NK:-$(( N1 / 10 ))}
hs_r=(); hs_k=()
for _ in $(seq 1 "$REPEAT"); do
    hs_r+=("$(bench "$REDIS_TLS" 1 ping "$NK" 1 0)")
    hs_k+=("$(bench "$KV_TLS" 1 ping "$NK" 1 0)")
done
HS_REDIS=$(printf '%s\n' "${hs_r[@]}" | median)
HS_KV=$(printf '%s\n' "${hs_k[@]}" | median)
log "new TLS connection per PING: redis $HS_REDIS, kv $HS_KV"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo "# TLS: redis-benchmark --tls, kv-server against redis-server"
echo
echo "$HEADER"
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- workload: redis-benchmark -c $CLIENTS -r 100000 -d 64, $REPEAT repetition(s), median; -n $N1 at P1, $N16 at P16"
echo "- TLS: EC P-256 certificates, no client certificates (tls-auth-clients no on both); Redis with AOF everysec like kv-server"
echo
echo "| pipeline | command | Redis TLS (req/s) | kv-server TLS (req/s) | kv ÷ Redis, TLS | Redis plain | kv-server plain | kv ÷ Redis, plain | TLS ÷ plain, Redis | TLS ÷ plain, kv |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for pipeline in 1 16; do
    for test in set get; do
        rt=${RESULT[redis,1,$test,$pipeline]}; kt=${RESULT[kv,1,$test,$pipeline]}
        rp=${RESULT[redis,0,$test,$pipeline]}; kp=${RESULT[kv,0,$test,$pipeline]}
        echo "| $pipeline | ${test^^} | $rt | $kt | $(ratio "$kt" "$rt") | $rp | $kp | $(ratio "$kp" "$rp") | $(ratio "$rt" "$rp") | $(ratio "$kt" "$kp") |"
    done
done
echo
echo "A new TLS connection (full handshake, ECDHE + ECDSA P-256) per PING, -n $NK -c $CLIENTS -k 0:"
echo "Redis $HS_REDIS/s, kv-server $HS_KV/s, kv ÷ Redis $(ratio "$HS_KV" "$HS_REDIS")."
