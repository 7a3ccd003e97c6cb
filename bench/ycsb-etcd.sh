#!/usr/bin/env bash
# Side by side with etcd (issue 17): YCSB core workloads A (50% read, 50% update) and B (95%
# read, 5% update), Zipfian keys, same threads, against a three-member etcd on loopback
# (Debian's etcd-server), a three-node kv group in cluster mode (kv.server.raft.*) and one
# kv-server alone (what replication costs). Bindings: kv.bench.ycsb.RespClient (Jedis) for kv,
# kv.bench.ycsb.EtcdClient (jetcd-core) for etcd. Durability alike: etcd syncs its WAL before
# acknowledging; kv runs with kv.server.fsync=always.
#
#   bench/ycsb-etcd.sh [--quick]    (--quick: 1 repetition of 20k operations; else 3 of 100k)
#
# Election timeouts alike too: etcd's default is 1000 ms (randomized up to twice that), so the kv
# group runs with kv.server.raft.election-timeout-min=1000ms, -max=2000ms; with Ratis's 150-300 ms
# the leader changed under a loaded machine's pauses and this binding, which talks to the leader
# found at the start, counted every later write as failed (READONLY).
#
# Environment: RECORDS (20000), THREADS (16), OPS (operations per run). The kv group goes straight to its leader (found
# by ROLE), as etcd's clients go to any member (etcd forwards to its leader).
set -uo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
parse_mode 2,13 "$@"

RECORDS=${RECORDS:-20000}
THREADS=${THREADS:-16}
if [ "$MODE" = quick ]; then REPEAT=1; OPS=${OPS:-20000}; else REPEAT=3; OPS=${OPS:-100000}; fi
JAR="$ROOT/bench/target/benchmarks.jar"
command -v etcd >/dev/null || { log "etcd not found: apt-get install -y etcd-server"; exit 1; }
ensure_jars kv-server/target/kv-server.jar bench/target/benchmarks.jar

TARGETS=(etcd kvgroup kvsingle)
declare -A LABEL=([etcd]="etcd, 3 members" [kvgroup]="kv group, 3 nodes" [kvsingle]="kv-server alone")
declare -A UP

# ---- etcd: three members on loopback ----
ETCD_CLUSTER=""
declare -a ETCD_CLIENT ETCD_PEER
for i in 1 2 3; do
    next_port "ETCD_CLIENT[$i]"; next_port "ETCD_PEER[$i]"
    ETCD_CLUSTER+="${ETCD_CLUSTER:+,}e$i=http://127.0.0.1:${ETCD_PEER[$i]}"
done
ETCD_ENDPOINTS=""
for i in 1 2 3; do
    ETCD_ENDPOINTS+="${ETCD_ENDPOINTS:+,}http://127.0.0.1:${ETCD_CLIENT[$i]}"
    start_bg "etcd-$i" etcd --name "e$i" --data-dir "$WORK/etcd-$i" \
        --listen-client-urls "http://127.0.0.1:${ETCD_CLIENT[$i]}" \
        --advertise-client-urls "http://127.0.0.1:${ETCD_CLIENT[$i]}" \
        --listen-peer-urls "http://127.0.0.1:${ETCD_PEER[$i]}" \
        --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER[$i]}" \
        --initial-cluster "$ETCD_CLUSTER" --initial-cluster-state new --initial-cluster-token kv-bench
done
UP[etcd]=0
for _ in $(seq 1 60); do
    if ETCDCTL_API=3 etcdctl --endpoints "$ETCD_ENDPOINTS" endpoint health >/dev/null 2>&1; then UP[etcd]=1; break; fi
    sleep 0.5
done
[ "${UP[etcd]}" = 1 ] || log "etcd did not become healthy: its rows are n/a"

# ---- kv: a three-node group and one server alone ----
PEERS=""
declare -a KV_PORT KV_RAFT KV_HTTP
for i in 1 2 3; do
    next_port "KV_PORT[$i]"; next_port "KV_RAFT[$i]"; next_port "KV_HTTP[$i]"
    PEERS+="${PEERS:+,}n$i@127.0.0.1:${KV_RAFT[$i]}"
done
declare -a KV_PID
for i in 1 2 3; do
    # shellcheck disable=SC2086
    start_bg "kv-node$i" java $KV_JAVA_OPTS -jar "$ROOT/kv-server/target/kv-server.jar" \
        --kv.server.port="${KV_PORT[$i]}" --kv.server.data-dir="$WORK/kv-n$i" --server.port="${KV_HTTP[$i]}" \
        --kv.server.fsync=always --kv.server.raft.id="n$i" --kv.server.raft.peers="$PEERS" \
        --kv.server.raft.election-timeout-min=1000ms --kv.server.raft.election-timeout-max=2000ms
    KV_PID[$i]=$BG_PID
done
next_port SINGLE_PORT; next_port SINGLE_HTTP
# shellcheck disable=SC2086
start_bg kv-single java $KV_JAVA_OPTS -jar "$ROOT/kv-server/target/kv-server.jar" \
    --kv.server.port="$SINGLE_PORT" --kv.server.data-dir="$WORK/kv-single" --server.port="$SINGLE_HTTP" \
    --kv.server.fsync=always
SINGLE_PID=$BG_PID
UP[kvsingle]=0; wait_ping "$SINGLE_PORT" "$SINGLE_PID" 120 && UP[kvsingle]=1
UP[kvgroup]=0; LEADER_PORT=""
for i in 1 2 3; do wait_ping "${KV_PORT[$i]}" "${KV_PID[$i]}" 120 || true; done
for _ in $(seq 1 60); do
    for i in 1 2 3; do
        if [ "$(redis-cli -p "${KV_PORT[$i]}" ROLE 2>/dev/null | head -1)" = master ]; then LEADER_PORT=${KV_PORT[$i]}; fi
    done
    [ -n "$LEADER_PORT" ] && break
    sleep 0.5
done
if [ -n "$LEADER_PORT" ]; then UP[kvgroup]=1; else
    log "no kv node answers ROLE as the leader (no cluster mode in this build?): its rows are n/a"
    for i in 1 2 3; do kill "${KV_PID[$i]}" 2>/dev/null; done # not to load the machine for the others
fi

ycsb() { # PHASE WORKLOAD TARGET EXTRA...
    local phase=$1 workload=$2 target=$3 binding
    shift 3
    case "$target" in
        etcd) binding=(-db kv.bench.ycsb.EtcdClient -p etcd.endpoints="$ETCD_ENDPOINTS") ;;
        kvgroup) binding=(-db kv.bench.ycsb.RespClient -p resp.port="$LEADER_PORT") ;;
        kvsingle) binding=(-db kv.bench.ycsb.RespClient -p resp.port="$SINGLE_PORT") ;;
    esac
    timeout 900 java -cp "$JAR" site.ycsb.Client "$phase" "${binding[@]}" \
        -P "$ROOT/bench/ycsb/$workload" -p recordcount="$RECORDS" -threads "$THREADS" \
        -p hdrhistogram.percentiles=50,99 "$@" 2>&1 # YCSB's default percentiles are 95 and 99
}

for t in "${TARGETS[@]}"; do
    [ "${UP[$t]}" = 1 ] || continue
    log "loading $RECORDS records into ${LABEL[$t]}"
    ycsb -load workloada "$t" -p operationcount="$RECORDS" | grep -E '^\[(OVERALL|INSERT)\], (Throughput|Return)' >&2
    ycsb -t workloadb "$t" -p operationcount=$((OPS / 4)) >/dev/null # JIT warm-up, unmeasured
done

RAW="$WORK/raw.txt"
: >"$RAW"
for rep in $(seq 1 "$REPEAT"); do
    for workload in workloada workloadb; do
        for i in 0 1 2; do
            t=${TARGETS[$(( (i + rep - 1) % 3 ))]}
            [ "${UP[$t]}" = 1 ] || continue
            out=$(ycsb -t "$workload" "$t" -p operationcount="$OPS")
            # Throughput, then p50 and p99 over reads and updates (YCSB's per-operation figures,
            # weighted by count; its histogram reports whole microseconds).
            line=$(echo "$out" | awk -F', ' '
                $1 == "[OVERALL]" && $2 == "Throughput(ops/sec)" { tput = $3 }
                ($1 == "[READ]" || $1 == "[UPDATE]") && $2 == "Operations" { n[$1] = $3 }
                ($1 == "[READ]" || $1 == "[UPDATE]") && $2 == "50thPercentileLatency(us)" { p50[$1] = $3 }
                ($1 == "[READ]" || $1 == "[UPDATE]") && $2 == "99thPercentileLatency(us)" { p99[$1] = $3 }
                ($1 == "[READ]" || $1 == "[UPDATE]") && $2 ~ /^Return=/ && $2 != "Return=OK" { bad += $3 }
                END {
                    if (tput == "") { print "err"; exit }
                    tot = n["[READ]"] + n["[UPDATE]"]
                    m50 = (n["[READ]"] * p50["[READ]"] + n["[UPDATE]"] * p50["[UPDATE]"]) / tot
                    m99 = (p99["[READ]"] > p99["[UPDATE]"]) ? p99["[READ]"] : p99["[UPDATE]"]
                    printf "%.0f %.0f %.0f %d %s %s %s %s\n", tput, m50, m99, bad, p50["[READ]"], p99["[READ]"], p50["[UPDATE]"], p99["[UPDATE]"]
                }')
            echo "$workload $t $rep $line" >>"$RAW"
            log "$workload | ${LABEL[$t]} | rep $rep: $line"
        done
    done
done

stat() { awk -v w="$1" -v t="$2" -v c="$3" '$1 == w && $2 == t && $4 != "err" { print $c }' "$RAW" | median; }

DATE=$(date -u +%F)
SHORT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
SUFFIX=""; [ "$MODE" = quick ] && SUFFIX="-quick"
OUT="$ROOT/bench/results/$DATE-$SHORT-ycsb-etcd$SUFFIX.md"
{
    echo "# kv group next to etcd, YCSB ($MODE): $DATE, commit $SHORT"
    echo
    machine_header
    echo "- YCSB site.ycsb:core 0.17.0; kv through kv.bench.ycsb.RespClient (Jedis, a connection per thread) to"
    echo "  the group's leader; etcd $(etcd --version | head -1 | awk '{print $3}') through kv.bench.ycsb.EtcdClient"
    echo "  (jetcd-core, one gRPC channel, endpoints: all three members); $THREADS threads, $RECORDS records of one"
    echo "  100-byte field, $OPS operations per run, Zipfian, $REPEAT repetition(s) alternating targets, median shown."
    echo "- Durability: etcd syncs its WAL per commit (its default); kv with kv.server.fsync=always."
    echo "- p50: reads' and updates' p50 weighted by their counts; p99: the larger of the two (YCSB reports each class)."
    echo
    echo "| workload | target | ops/s | p50 µs | p99 µs | failed ops | ops/s ÷ etcd | p50 ÷ etcd | p99 ÷ etcd |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for workload in workloada workloadb; do
        name="A (50% read, 50% update)"; [ "$workload" = workloadb ] && name="B (95% read, 5% update)"
        et=$(stat $workload etcd 4); e50=$(stat $workload etcd 5); e99=$(stat $workload etcd 6)
        for t in "${TARGETS[@]}"; do
            if [ "${UP[$t]}" != 1 ]; then
                echo "| $name | ${LABEL[$t]} | n/a | n/a | n/a | n/a | | | |"
                continue
            fi
            tp=$(stat $workload $t 4); p50=$(stat $workload $t 5); p99=$(stat $workload $t 6)
            echo "| $name | ${LABEL[$t]} | $tp | $p50 | $p99 | $(stat $workload $t 7) | $(ratio "$tp" "$et") | $(ratio "$p50" "$e50") | $(ratio "$p99" "$e99") |"
        done
    done
    echo
    echo "<details><summary>Every run (workload target repetition ops/s p50 p99 failed read-p50 read-p99 update-p50 update-p99)</summary>"
    echo
    echo '```'
    cat "$RAW"
    echo '```'
    echo "</details>"
} >"$OUT"
echo
sed '/<details>/,$d' "$OUT"
log "saved $OUT"
