#!/bin/bash
# Usage: start redis-server (AOF, appendfsync everysec) on 6403 and kv-server on 6413 first, from a copy of
# kv-server.jar (a rebuild must not replace the jar under the running JVM); results in /tmp/hash-bench.txt
# alternated runs: hset and hget, P1 and P16, against redis (6403) and kv (6413)
out=/tmp/hash-bench.txt; : > $out
for round in 1 2 3; do
  for port in 6403 6413; do
    for P in 1 16; do
      redis-cli -p $port del myhash >/dev/null
      r=$(redis-benchmark -p $port -n 100000 -c 50 -r 100000 -P $P -t hset -q 2>/dev/null | tr '\r' '\n' | grep -a "HSET" | tail -1)
      echo "round $round port $port P$P $r" >> $out
      r=$(redis-benchmark -p $port -n 100000 -c 50 -r 100000 -P $P -q hget myhash element:__rand_int__ 2>/dev/null | tr '\r' '\n' | grep -a "hget" | tail -1)
      echo "round $round port $port P$P $r" >> $out
    done
  done
done
