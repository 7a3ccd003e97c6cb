#!/usr/bin/env bash
# The long Jepsen-style run (issue 17): kv-proxy's GroupUnderANemesisTest with at least
# LEADER_KILLS leader kills (kill -9; a follower kill and a SIGSTOP pause after every three), a
# three-node kv group in cluster mode, 4 clients through the proxy and 3 straight to members.
# Passes when the history is linearizable and every acknowledged write is on every member;
# writes bench/results/<date>-<commit>-jepsen.md with the figures, failover time (kill -9 of
# the leader to the first successful write through the proxy) median and max among them.
#
#   bench/jepsen.sh [LEADER_KILLS (20)] [SECONDS (120): the least time the workload runs]
#
# KV_JEPSEN_SEED replays a run's schedule and workload (the seed is in the results file).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KILLS=${1:-20}
SECONDS_MIN=${2:-120}
DATE=$(date -u +%F)
SHORT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
OUT="$ROOT/bench/results/$DATE-$SHORT-jepsen.md"
RAW=$(mktemp "${TMPDIR:-/tmp}/kv-jepsen.XXXXXX")
SEED_ARG=()
[ -n "${KV_JEPSEN_SEED:-}" ] && SEED_ARG=(-Dkv.jepsen.seed="$KV_JEPSEN_SEED")

cd "$ROOT" || exit 1
mvn -B -o -q -DskipTests install -pl kv-protocol,kv-server -am >/dev/null || exit 1
mvn -B -o -pl kv-proxy verify -Dkv.test.exclude=jazzer -Dtest=GroupUnderANemesisTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dkv.fuzz.skip=true -Dkv.jepsen.seconds="$SECONDS_MIN" -Dkv.jepsen.leader-kills="$KILLS" \
    -Dkv.jepsen.report="$RAW" "${SEED_ARG[@]}" >"$RAW.log" 2>&1
STATUS=$?
{
    echo "# Jepsen-style run: $DATE, commit $SHORT"
    echo
    echo "- bench/jepsen.sh $KILLS $SECONDS_MIN: GroupUnderANemesisTest, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- result: $([ $STATUS = 0 ] && echo "passed (linearizable, nothing acknowledged missing)" || echo "FAILED or skipped (exit $STATUS); see the summary and the log's tail")"
    echo
    echo '```'
    cat "$RAW" 2>/dev/null
    [ $STATUS = 0 ] || grep -E "Tests run|skipped|Assumption|Expecting|AssertionError" "$RAW.log" | head -20
    echo '```'
} >"$OUT"
cat "$OUT"
echo "saved $OUT (maven log: $RAW.log)"
exit $STATUS
