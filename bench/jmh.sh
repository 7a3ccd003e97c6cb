#!/usr/bin/env bash
# JMH for the codec (kv-protocol) and the store (kv-server's RocksDbStore), saved under
# bench/results/. Extra arguments go to JMH (e.g. a benchmark regex, -t 2, -prof gc).
#
#   bench/jmh.sh [--quick] [JMH arguments...]   (--quick: 2 warm-up and 3 measured 1 s iterations)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/bench/target/benchmarks.jar"
QUICK=()
SUFFIX=""
if [ "${1:-}" = --quick ]; then
    QUICK=(-wi 2 -i 3 -w 1 -r 1 -f 1)
    SUFFIX="-quick"
    shift
fi
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package) || exit 1
SHORT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
OUT="$ROOT/bench/results/$(date -u +%F)-$SHORT-jmh$SUFFIX-$(date -u +%H%M%S).txt"
mkdir -p "$ROOT/bench/results"
{
    echo "# kv JMH: $(date -u '+%F %H:%M UTC'), commit $SHORT, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# $(java -version 2>&1 | sed -n 2p)"
    echo "# java -jar bench/target/benchmarks.jar ${QUICK[*]} $*"
} >"$OUT"
java -jar "$JAR" "${QUICK[@]}" "$@" | tee -a "$OUT.log" | sed -n '/^Benchmark/,$p' >>"$OUT"
rm -f "$OUT.log"
cat "$OUT"
echo "saved $OUT" >&2
