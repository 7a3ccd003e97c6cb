#!/usr/bin/env python3
"""Writes the bulk tools' benchmark data as RESP commands on stdout, for redis-cli --pipe:

    bulk-data.py KEYS > data.resp

KEYS strings of 100-byte values named bulk:%09d: every 10th value is random binary bytes (any
byte, \\0 and \\r\\n included), the others printable; every 5th key has an absolute expiry time
(SET ... PXAT) a day ahead. Deterministic (seeded), standard-library Python only.
"""
import os
import random
import sys
import time


def main():
    keys = int(sys.argv[1])
    rng = random.Random(1)
    far = int(time.time() * 1000) + 86_400_000
    out = sys.stdout.buffer
    printable = bytes(range(33, 127))
    pool = [bytes(rng.choice(printable) for _ in range(100)) for _ in range(1024)]
    chunk = []
    for i in range(keys):
        key = b"bulk:%09d" % i
        value = rng.randbytes(100) if i % 10 == 0 else pool[i % 1024]
        if i % 5 == 0:
            expiry = str(far + i).encode()
            chunk.append(b"*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$4\r\nPXAT\r\n$%d\r\n%s\r\n"
                         % (len(key), key, len(value), value, len(expiry), expiry))
        else:
            chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
        if len(chunk) >= 10000:
            out.write(b"".join(chunk))
            chunk = []
    out.write(b"".join(chunk))


if __name__ == "__main__":
    main()
