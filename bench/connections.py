#!/usr/bin/python3
"""Opens N idle connections to 127.0.0.1:PORT and reports what they cost the process PID.

    connections.py PORT PID N [--gc]

Prints one line of key=value pairs: open_s (connect all N, then PING on each and read every
PONG: each connection has been accepted and served), connect_s (the connects alone), rss_before_kb, rss_after_kb and
per_conn_kb (RSS growth / N, measured 2 s after the last PONG, the connections idle and open).
With --gc the JVM behind PID is asked for a full GC (jcmd PID GC.run) before each RSS
reading, so that garbage the accepting made is not counted as what idle connections hold.
Used by bench/connections.sh.
"""
import socket
import subprocess
import sys
import time


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def gc(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    time.sleep(1)


def main():
    port, pid, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    full_gc = "--gc" in sys.argv[4:]
    if full_gc:
        gc(pid)
    before = rss_kb(pid)
    sockets = []
    start = time.monotonic()
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sockets.append(s)
    connected = time.monotonic() - start
    for s in sockets:
        s.sendall(b"*1\r\n$4\r\nPING\r\n")  # multibulk: twemproxy takes no inline commands
    for i, s in enumerate(sockets):
        reply = b""
        while not reply.endswith(b"\r\n"):
            chunk = s.recv(64)
            if not chunk:
                raise RuntimeError(f"connection {i} closed before its PONG")
            reply += chunk
        if reply != b"+PONG\r\n":
            raise RuntimeError(f"connection {i}: {reply!r}")
    open_s = time.monotonic() - start
    time.sleep(2)
    if full_gc:
        gc(pid)
    after = rss_kb(pid)
    print(f"open_s={open_s:.2f} connect_s={connected:.2f} rss_before_kb={before} rss_after_kb={after} "
          f"per_conn_kb={(after - before) / n:.1f}")
    for s in sockets:
        s.close()


if __name__ == "__main__":
    main()
