#!/bin/bash
# Usage: bench/export-import.sh [--quick]   (build first: mvn -B -q -DskipTests package)
#
# kv export then kv import of 1M keys (100-byte values, every 10th binary, every 5th with an
# expiry time; --quick: 100k) into an empty kv-server; the two keyspaces compared (an export
# of each, byte for byte); the client's wall time and peak RSS (/usr/bin/time -v) for each;
# next to redis-cli --pipe loading the same data into Redis (and into kv-server).
# Prints a Markdown table on stdout.
source "$(dirname "$0")/lib.sh"
parse_mode 2,8 "$@"
ensure_tools
ensure_jars kv-server/target/kv-server.jar kv-client/target/kv-client.jar
KEYS=1000000
[ "$MODE" = quick ] && KEYS=100000
# CLIENT_OPTS: JVM options for kv-client, e.g. CLIENT_OPTS=-Xmx64m to show that export and
# import run in memory that does not grow with the number of keys.
# shellcheck disable=SC2206
CLIENT=(java -XX:TieredStopAtLevel=1 ${CLIENT_OPTS:-} -jar "$ROOT/kv-client/target/kv-client.jar")

log "generating $KEYS keys"
python3 "$ROOT/bench/bulk-data.py" "$KEYS" > "$WORK/data.resp"

# timed NAME CMD...: runs CMD under /usr/bin/time -v; sets SECONDS_TAKEN and RSS_MB
timed() {
    local name=$1
    shift
    /usr/bin/time -v -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || {
        log "$name failed:"; cat "$WORK/$name.err" >&2; exit 1; }
    SECONDS_TAKEN=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s }' "$WORK/$name.time")
    RSS_MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$WORK/$name.time")
}

next_port SRC; next_port SRC_HTTP; next_port DST; next_port DST_HTTP; next_port REDIS
start_kv_server "$SRC" "$SRC_HTTP" "$WORK/src"; SRC_PID=$BG_PID
start_kv_server "$DST" "$DST_HTTP" "$WORK/dst"; DST_PID=$BG_PID
start_redis "$REDIS" "$WORK/redis"; REDIS_PID=$BG_PID
wait_ping "$SRC" "$SRC_PID" 300 && wait_ping "$DST" "$DST_PID" 300 && wait_ping "$REDIS" "$REDIS_PID" 30 || {
    log "a server did not start"; tail -n 5 "$WORK"/*.log >&2; exit 1; }

log "redis-cli --pipe into kv-server (the source)"
timed kv-pipe redis-cli -p "$SRC" --pipe < "$WORK/data.resp"; KV_PIPE=$SECONDS_TAKEN
log "redis-cli --pipe into Redis"
timed redis-pipe redis-cli -p "$REDIS" --pipe < "$WORK/data.resp"; REDIS_PIPE=$SECONDS_TAKEN
[ "$(redis-cli -p "$SRC" DBSIZE)" = "$KEYS" ] || { log "kv-server holds $(redis-cli -p "$SRC" DBSIZE) keys, not $KEYS"; exit 1; }

log "kv export"
timed export "${CLIENT[@]}" --kv.client.port="$SRC" export "$WORK/all.kv"
EXPORT_S=$SECONDS_TAKEN; EXPORT_RSS=$RSS_MB; FILE_MB=$(( $(stat -c %s "$WORK/all.kv") / 1024 / 1024 ))
log "kv import"
timed import "${CLIENT[@]}" --kv.client.port="$DST" import "$WORK/all.kv"
IMPORT_S=$SECONDS_TAKEN; IMPORT_RSS=$RSS_MB

log "comparing: an export of the copy against the original's"
timed export2 "${CLIENT[@]}" --kv.client.port="$DST" export "$WORK/copy.kv"
if cmp -s <(grep -v '^#' "$WORK/all.kv") <(grep -v '^#' "$WORK/copy.kv"); then SAME=identical; else SAME=DIFFERENT; fi
TTLS=$(awk '!/^#/ && $3 != "-"' "$WORK/all.kv" | wc -l)

cat <<TABLE
$KEYS keys, 100-byte values (every 10th binary), every 5th with an expiry time; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); kv-client JVM options: ${CLIENT_OPTS:-none (default heap)}

| step | time | client peak RSS |
|---|---|---|
| \`kv export\` (kv-server → ${FILE_MB} MB file) | ${EXPORT_S} s | ${EXPORT_RSS} MB |
| \`kv import\` (file → empty kv-server) | ${IMPORT_S} s | ${IMPORT_RSS} MB |
| \`redis-cli --pipe\` of the same data into Redis | ${REDIS_PIPE} s | |
| \`redis-cli --pipe\` of the same data into kv-server | ${KV_PIPE} s | |

The copy compared with the original (an export of each, every line): **${SAME}**; keys with an expiry time in the export: ${TTLS}.
kv-client's summaries: $(tail -1 "$WORK/export.err"); $(tail -1 "$WORK/import.err")
TABLE
[ "$SAME" = identical ]
