#!/usr/bin/env bash
# Long fuzzing runs of kv's Jazzer targets, one after another, each for DURATION, at nice 19.
# See docs/fuzzing.md.
#
#   bench/fuzz.sh [DURATION] [TARGET...]
#
# DURATION is Jazzer's (30s, 10m, 2h; default 10m, per target). TARGETs (default all):
#   requests    RespDecoder, requests (kv-server's and kv-proxy's clients)
#   replies     RespDecoder, replies (kv-proxy's backends, kv-client)
#   inline      InlineSplitter (inline commands)
#   glob        Glob against Redis's recursive matcher
#   acl         the ACL rule parser (ACL SETUSER, the ACL file)
#   dispatcher  the whole kv-server behind its RESP port
#
# The corpus each run grows is kept in MODULE/.cifuzz-corpus/ (git ignores it), so a later run
# goes on from it. A crash or hang is written as crash-*/timeout-* into the target's inputs folder
# under src/test/resources: it then runs in every mvn verify; commit it with the fix. One line
# per target goes to stdout: inputs executed, seconds, findings.
set -uo pipefail

DURATION=${1:-10m}
[ $# -gt 0 ] && shift
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(requests replies inline glob acl dispatcher)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1

target() {
    case "$1" in
        requests) echo "kv-protocol RequestDecoderFuzzTest kv-protocol/src/test/resources/kv/protocol/resp/RequestDecoderFuzzTestInputs" ;;
        replies) echo "kv-protocol ReplyDecoderFuzzTest kv-protocol/src/test/resources/kv/protocol/resp/ReplyDecoderFuzzTestInputs" ;;
        inline) echo "kv-protocol InlineSplitterFuzzTest kv-protocol/src/test/resources/kv/protocol/resp/InlineSplitterFuzzTestInputs" ;;
        glob) echo "kv-protocol GlobFuzzTest kv-protocol/src/test/resources/kv/protocol/GlobFuzzTestInputs" ;;
        acl) echo "kv-protocol AclRulesFuzzTest kv-protocol/src/test/resources/kv/protocol/acl/AclRulesFuzzTestInputs" ;;
        dispatcher) echo "kv-server DispatcherFuzzTest kv-server/src/test/resources/kv/server/DispatcherFuzzTestInputs" ;;
        *) return 1 ;;
    esac
}

for name in "${TARGETS[@]}"; do
    target "$name" >/dev/null || { echo "unknown target: $name (requests replies inline glob acl dispatcher)" >&2; exit 2; }
done

if [[ " ${TARGETS[*]} " == *" dispatcher "* ]]; then # kv-server builds against the installed kv-protocol
    nice -n 19 mvn -B -o -q -DskipTests install -pl kv-protocol || exit 1
fi
status=0
for name in "${TARGETS[@]}"; do
    read -r module class inputs < <(target "$name")
    log=$(mktemp)
    before=$(find "$inputs" -name 'crash-*' -o -name 'timeout-*' 2>/dev/null | sort)
    start=$(date +%s)
    nice -n 19 mvn -B -o -pl "$module" test-compile surefire:test@fuzz -Dtest="$class" \
        -Dkv.fuzz.duration="$DURATION" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1
    rc=$?
    seconds=$(( $(date +%s) - start ))
    runs=$(grep -a -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)
    after=$(find "$inputs" -name 'crash-*' -o -name 'timeout-*' 2>/dev/null | sort)
    found=$(comm -13 <(echo "$before") <(echo "$after") | grep -c . || true)
    echo "$name: ${runs:-no fuzzing run (see $log)}s; ${seconds}s with the build; new findings: $found; exit $rc"
    if [ "$rc" -ne 0 ]; then
        status=1
        echo "  log: $log"
    else
        rm -f "$log"
    fi
done
exit $status
