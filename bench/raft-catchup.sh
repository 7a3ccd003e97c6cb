#!/usr/bin/env bash
# A follower of a three-node kv group is down while N keys (default 1,000,000) are written to
# the leader; it is restarted and the script times how long until it holds every key (it
# catches up by snapshot: the leader has purged the log it would need). Also times the failover
# of one leader kill (kill -9 -> first successful SET on another node).
#   bench/raft-catchup.sh [keys]        (needs kv-server/target/kv-server.jar: mvn -B -q -DskipTests package)
# A snapshot every SNAPSHOT_THRESHOLD (1000) entries and 4 MB log segments, so that the leader has
# purged its log by the time the follower returns (a --pipe of 1M SETs is about 7,000 entries).
# Election timeouts 1000-2000 ms (etcd's default): with 300-600 ms the leader changed during the
# load on a loaded machine and redis-cli --pipe got READONLY.
set -euo pipefail
KEYS=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/kv-server/target/kv-server.jar
WORK=$(mktemp -d /tmp/kv-raft-catchup.XXXX)
RESULT=$ROOT/bench/results/$(date -u +%F)-$(git -C "$ROOT" rev-parse --short HEAD)-raft-catchup.md
PEERS=n1@127.0.0.1:19601,n2@127.0.0.1:19602,n3@127.0.0.1:19603
declare -A PID

start() { # node number
  java -Xmx1g -jar "$JAR" --kv.server.port=1760$1 --kv.server.data-dir="$WORK/n$1" --server.port=0 \
    --kv.server.raft.id=n$1 --kv.server.raft.peers=$PEERS --kv.server.raft.snapshot-threshold=${SNAPSHOT_THRESHOLD:-1000} --kv.server.raft.segment-size=4MB \
    --kv.server.raft.election-timeout-min=1000ms --kv.server.raft.election-timeout-max=2000ms >> "$WORK/n$1.log" 2>&1 &
  PID[$1]=$!
}
await() { # node number: until it answers PING
  for _ in $(seq 600); do [ "$(redis-cli -p 1760$1 ping 2>/dev/null)" = PONG ] && return 0; sleep 0.5; done; return 1
}
leader() { for i in 1 2 3; do [ "$(redis-cli -p 1760$i role 2>/dev/null | head -1)" = master ] && { echo $i; return; }; done; echo 0; }
cleanup() { for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

for i in 1 2 3; do start $i; done
for i in 1 2 3; do await $i; done
L=0; for _ in $(seq 600); do L=$(leader); [ "$L" != 0 ] && break; sleep 0.2; done
F=$(( L % 3 + 1 ))
echo "leader n$L, stopping follower n$F"
kill -9 "${PID[$F]}"
python3 - "$KEYS" > "$WORK/load.resp" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    k = b"key:%d" % i; v = b"value-%010d" % i
    sys.stdout.buffer.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
PY
T0=$(date +%s%N)
redis-cli -p 1760$L --pipe < "$WORK/load.resp" | tail -1
T1=$(date +%s%N)
start $F
await $F
CAUGHT_UP=no
for _ in $(seq 2400); do # at most 20 minutes
  [ "$(redis-cli -p 1760$F dbsize 2>/dev/null)" = "$KEYS" ] && { CAUGHT_UP=yes; break; }
  sleep 0.5
done
T2=$(date +%s%N)
[ $CAUGHT_UP = yes ] || echo "n$F did not hold $KEYS keys after 20 minutes: $(redis-cli -p 1760$F dbsize)"
# A sample of values read on the caught-up follower (linearizable by default: it first learns the leader's commit index).
SAMPLE_BAD=0
for i in 0 1 $(( KEYS / 2 )) $(( KEYS - 1 )) $(( KEYS / 3 )) $(( KEYS / 7 )); do
  want=$(printf "value-%010d" "$i")
  got=$(redis-cli -p 1760$F --no-raw get "key:$i" 2>/dev/null | tr -d '"')
  [ "$got" = "$want" ] || { SAMPLE_BAD=$(( SAMPLE_BAD + 1 )); echo "key:$i on n$F: '$got', expected '$want'"; }
done
LOAD_MS=$(( (T1 - T0) / 1000000 )); CATCHUP_MS=$(( (T2 - T1) / 1000000 ))
INSTALLED=$(grep -c "Installed snapshot" "$WORK/n$F.log" || true)
# one failover
K=$(leader); S=$(date +%s%N); kill -9 "${PID[$K]}"
for _ in $(seq 1500); do # at most about 30 s (each try up to 2 s when a node hangs)
  ok=no
  for i in 1 2 3; do [ $i != $K ] && [ "$(timeout 2 redis-cli -p 1760$i set failover x 2>/dev/null)" = OK ] && { ok=yes; break; }; done
  [ $ok = yes ] && break
  sleep 0.02
done
FAILOVER_MS=$(( ($(date +%s%N) - S) / 1000000 ))
{
  echo "# raft-catchup, $(date -u +%FT%TZ), commit $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| keys | load through the leader (redis-cli --pipe) | follower restart to every key | every key there | sampled values wrong | snapshots installed | failover (kill -9 leader -> first SET) |"
  echo "|---|---|---|---|---|---|---|"
  echo "| $KEYS | ${LOAD_MS} ms | ${CATCHUP_MS} ms (JVM start included) | $CAUGHT_UP | $SAMPLE_BAD of 6 | $INSTALLED | ${FAILOVER_MS} ms$([ $ok = yes ] || echo ' (no SET succeeded)') |"
} | tee "$RESULT"
