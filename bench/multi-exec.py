#!/usr/bin/python3
"""MULTI/EXEC pipelines against Redis-protocol servers, side by side (redis-benchmark sends one
command shape only, so it cannot send a transaction).

    bench/multi-exec.py [--clients 8] [--depth 16] [--sets 2] [--seconds 10] [--rounds 3] NAME=PORT...

Each client process sends DEPTH transactions per write, each `MULTI; SET k v (x SETS); EXEC` on
keys of its own, then reads their replies (checked byte for byte) before the next write: the
shape of redis-py's and ioredis's default pipelines. Targets take turns, ROUNDS times; the median
of transactions per second (and of the SETs in them) is printed per target, with its ratio to
the first target.
"""
import argparse
import multiprocessing
import socket
import statistics
import time


def command(*words):
    out = b"*%d\r\n" % len(words)
    for word in words:
        out += b"$%d\r\n%s\r\n" % (len(word), word)
    return out


def client(port, index, depth, sets, seconds, result):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    expected = b"+OK\r\n" + b"+QUEUED\r\n" * sets + b"*%d\r\n" % sets + b"+OK\r\n" * sets
    n = 0
    transactions = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch = b""
        for _ in range(depth):
            batch += command(b"MULTI")
            for s in range(sets):
                batch += command(b"SET", b"tx:%d:%d" % (index, (n + s) % 10000), b"value-%d" % n)
            batch += command(b"EXEC")
            n += sets
        sock.sendall(batch)
        want = len(expected) * depth
        got = b""
        while len(got) < want:
            chunk = sock.recv(1 << 16)
            if not chunk:
                raise SystemExit("connection closed")
            got += chunk
        if got != expected * depth:
            raise SystemExit("unexpected replies from port %d: %r" % (port, got[:200]))
        transactions += depth
    sock.close()
    result.put(transactions)


def run(port, args):
    result = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=client, args=(port, i, args.depth, args.sets, args.seconds, result))
             for i in range(args.clients)]
    start = time.monotonic()
    for p in procs:
        p.start()
    total = sum(result.get() for _ in procs)
    for p in procs:
        p.join()
    return total / (time.monotonic() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--depth", type=int, default=16)
    parser.add_argument("--sets", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("targets", nargs="+", help="NAME=PORT")
    args = parser.parse_args()
    targets = [(t.split("=")[0], int(t.split("=")[1])) for t in args.targets]
    rates = {name: [] for name, _ in targets}
    for name, port in targets:  # warm-up (a JVM needs it)
        run(port, argparse.Namespace(**{**vars(args), "seconds": min(5, args.seconds)}))
    for _ in range(args.rounds):
        for name, port in targets:
            rates[name].append(run(port, args))
    print("MULTI/EXEC: %d clients, %d transactions per write, %d SETs each, %d x %.0f s"
          % (args.clients, args.depth, args.sets, args.rounds, args.seconds))
    first = statistics.median(rates[targets[0][0]])
    for name, _ in targets:
        median = statistics.median(rates[name])
        print("  %-10s %9.0f EXEC/s  %9.0f SET/s  %.2fx %s  (runs: %s)" % (
            name, median, median * args.sets, median / first, targets[0][0],
            ", ".join("%.0f" % r for r in rates[name])))


if __name__ == "__main__":
    main()
