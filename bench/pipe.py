#!/usr/bin/env python3
"""One connection's deep pipeline, for bench/shapes.sh: sends a file of RESP commands as fast as
the server takes them, while reading the replies, and checks them byte for byte against the
expected replies.

    pipe.py --port P --send COMMANDS.resp --expect REPLIES.resp

Prints the seconds from connecting until the last expected byte came in; exits 1 (message on
stderr) if the replies differ or the connection closes early. Not redis-cli --pipe: that ends
with an ECHO, which twemproxy does not forward (it closes the connection), and it only counts
replies. Only standard-library Python; loopback only.
"""
import argparse
import socket
import sys
import threading
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--send", required=True)
    parser.add_argument("--expect", required=True)
    args = parser.parse_args()
    with open(args.send, "rb") as f:
        commands = f.read()
    with open(args.expect, "rb") as f:
        expected = f.read()

    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", args.port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        writer = threading.Thread(target=sock.sendall, args=(commands,), daemon=True)
        writer.start()
        received = bytearray(len(expected))
        view = memoryview(received)
        got = 0
        while got < len(expected):
            n = sock.recv_into(view[got:], len(expected) - got)
            if n == 0:
                break
            got += n
        elapsed = time.monotonic() - start
        writer.join(timeout=10)
    if got < len(expected) or received != expected:
        at = next((i for i in range(got) if received[i] != expected[i]), got)
        print(f"pipe.py: reply differs at byte {at} of {len(expected)} (got {got}): "
              f"{bytes(received[at:at + 40])!r}, expected {expected[at:at + 40]!r}", file=sys.stderr)
        sys.exit(1)
    print(f"{elapsed:.3f}")


if __name__ == "__main__":
    main()
