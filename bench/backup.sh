#!/bin/bash
# Usage: bench/backup.sh [--quick]   (build first: mvn -B -q -DskipTests package)
#
# 1M keys (bench/bulk-data.py: 100-byte values, some binary, some with expiry times;
# --quick: 100k) loaded into kv-server, then `kv backup DIR` (BACKUP and the wait for it),
# `kv restore DIR NEW_DATA_DIR`, a second kv-server started on the restored data, and its keys
# counted and compared (an export of each). Prints a Markdown table on stdout.
source "$(dirname "$0")/lib.sh"
parse_mode 2,7 "$@"
ensure_tools
ensure_jars kv-server/target/kv-server.jar kv-client/target/kv-client.jar
KEYS=1000000
[ "$MODE" = quick ] && KEYS=100000
CLIENT=(java -XX:TieredStopAtLevel=1 -jar "$ROOT/kv-client/target/kv-client.jar")

log "generating $KEYS keys"
python3 "$ROOT/bench/bulk-data.py" "$KEYS" > "$WORK/data.resp"
next_port KV; next_port KV_HTTP; next_port AGAIN; next_port AGAIN_HTTP
start_kv_server "$KV" "$KV_HTTP" "$WORK/data"; KV_PID=$BG_PID
wait_ping "$KV" "$KV_PID" 300 || { log "kv-server did not start"; exit 1; }
redis-cli -p "$KV" --pipe < "$WORK/data.resp" > /dev/null
[ "$(redis-cli -p "$KV" DBSIZE)" = "$KEYS" ] || { log "kv-server holds $(redis-cli -p "$KV" DBSIZE) keys"; exit 1; }

seconds() { local start=$1; awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
log "kv backup"
t=$(date +%s.%N)
"${CLIENT[@]}" --kv.client.port="$KV" backup "$WORK/backup" > "$WORK/backup.out" 2>&1 || { cat "$WORK/backup.out" >&2; exit 1; }
BACKUP_S=$(seconds "$t")
SERVER_MS=$(redis-cli -p "$KV" INFO persistence | tr -d '\r' | awk -F: '/^kv_last_backup_time_ms/ { print $2 }')
BACKUP_MB=$(( $(du -sb "$WORK/backup" | cut -f1) / 1024 / 1024 ))
log "kv restore"
t=$(date +%s.%N)
"${CLIENT[@]}" restore "$WORK/backup" "$WORK/restored" > "$WORK/restore.out" 2>&1 || { cat "$WORK/restore.out" >&2; exit 1; }
RESTORE_S=$(seconds "$t")
t=$(date +%s.%N)
start_kv_server "$AGAIN" "$AGAIN_HTTP" "$WORK/restored"; AGAIN_PID=$BG_PID
wait_ping "$AGAIN" "$AGAIN_PID" 300 || { log "kv-server on the restored data did not start"; exit 1; }
START_S=$(seconds "$t")
RESTORED_KEYS=$(redis-cli -p "$AGAIN" DBSIZE)
"${CLIENT[@]}" --kv.client.port="$KV" export "$WORK/original.kv" 2>/dev/null
"${CLIENT[@]}" --kv.client.port="$AGAIN" export "$WORK/restored.kv" 2>/dev/null
if cmp -s <(grep -v '^#' "$WORK/original.kv") <(grep -v '^#' "$WORK/restored.kv"); then SAME=identical; else SAME=DIFFERENT; fi

cat <<TABLE
$KEYS keys, 100-byte values; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)

| step | time |
|---|---|
| \`kv backup DIR\` (client JVM start, BACKUP, wait) | ${BACKUP_S} s (the server's own time for the checkpoint and manifest: ${SERVER_MS} ms; ${BACKUP_MB} MB on disk, table files hard linked) |
| \`kv restore DIR NEW\` (check every file's CRC-32C while copying, sync) | ${RESTORE_S} s |
| kv-server start on the restored data, until PING | ${START_S} s |

Keys after restore: ${RESTORED_KEYS} of ${KEYS}; the restored keyspace compared with the original (an export of each): **${SAME}**.
TABLE
[ "$SAME" = identical ] && [ "$RESTORED_KEYS" = "$KEYS" ]
