#!/usr/bin/env python3
"""Big values, for bench/shapes.sh: CLIENTS connections at once each SET COUNT values of SIZE bytes
(pipelined on its connection), then GET them back and check every byte; meanwhile the server's
resident memory (VmRSS of PID) is sampled every 20 ms.

    values.py --port P --pid PID --size BYTES --clients 4 --count 1 [--key-prefix value]

Prints one line: set_seconds get_seconds rss_before rss_peak rss_after (bytes; rss_after is read
once the GETs are answered) set_cpu get_cpu (the server's CPU seconds, user + system, in each
phase: on a loaded machine they move less than the wall times). Exits 1 with a message on stderr if a reply is wrong.

The values are random bytes (incompressible, as real data mostly is: RocksDB compresses blocks and
Redis does not), one buffer shared by every key at different offsets, sent without copying it.
Only standard-library Python; loopback only.
"""
import argparse
import os
import socket
import sys
import threading
import time


def rss(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class RssSampler(threading.Thread):
    """The highest VmRSS of a process seen while running (every 20 ms)."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = rss(pid)
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.02):
            self.peak = max(self.peak, rss(self.pid))

    def stop(self):
        self.done.set()
        self.join()
        self.peak = max(self.peak, rss(self.pid))
        return self.peak


def cpu_seconds(pid):
    """User plus system CPU time the process has used so far (/proc/PID/stat, in clock ticks)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bulk(word):
    return b"$%d\r\n%s\r\n" % (len(word), word)


def read_reply(stream):
    """One RESP2 reply: bytes for a bulk string, str for a simple string, an exception for an error."""
    line = stream.readline()
    if not line:
        raise EOFError("connection closed")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        return RuntimeError(rest.decode())
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = stream.read(n + 2)
        return data[:-2]
    raise ValueError(f"unexpected reply {line[:40]!r}")


def client(port, keys, value_of, size, results, index, phase):
    """Sends every command of the phase from a writer thread while this thread reads the replies."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        stream = sock.makefile("rb", buffering=1 << 20)

        def write():
            for key in keys:
                if phase == "set":
                    sock.sendall(b"*3\r\n$3\r\nSET\r\n" + bulk(key) + b"$%d\r\n" % size)
                    sock.sendall(value_of(key))
                    sock.sendall(b"\r\n")
                else:
                    sock.sendall(b"*2\r\n$3\r\nGET\r\n" + bulk(key))

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        error = None
        for key in keys:
            reply = read_reply(stream)
            if phase == "set" and reply != "OK":
                error = error or f"SET {key!r}: {reply!r}"
            if phase == "get" and (not isinstance(reply, bytes) or reply != value_of(key)):
                shown = reply if not isinstance(reply, bytes) else f"{len(reply)} bytes, not the value SET"
                error = error or f"GET {key!r}: {shown}"
        writer.join()
        results[index] = error


def phase(args, name, key_lists, value_of):
    results = [None] * args.clients
    threads = [threading.Thread(target=client, args=(args.port, keys, value_of, args.size, results, i, name))
               for i, keys in enumerate(key_lists)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    for error in results:
        if error:
            print(f"values.py: {error}", file=sys.stderr)
            sys.exit(1)
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--key-prefix", default="value")
    args = parser.parse_args()

    spread = 4096  # distinct offsets into the random buffer
    buffer = memoryview(os.urandom(args.size + spread))
    key_lists = [[b"%s:%d:%d:%d" % (args.key_prefix.encode(), args.size, c, i) for i in range(args.count)]
                 for c in range(args.clients)]

    def value_of(key):
        offset = hash(key) % spread
        return buffer[offset:offset + args.size]

    before = rss(args.pid)
    sampler = RssSampler(args.pid)
    sampler.start()
    cpu_before = cpu_seconds(args.pid)
    set_seconds = phase(args, "set", key_lists, value_of)
    cpu_set = cpu_seconds(args.pid)
    get_seconds = phase(args, "get", key_lists, value_of)
    cpu_get = cpu_seconds(args.pid)
    peak = sampler.stop()
    after = rss(args.pid)
    print(f"{set_seconds:.3f} {get_seconds:.3f} {before} {peak} {after} "
          f"{cpu_set - cpu_before:.2f} {cpu_get - cpu_set:.2f}")


if __name__ == "__main__":
    main()
