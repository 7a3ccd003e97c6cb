"""redis-py scenarios, run by RedisPyScenariosTest with Debian's /usr/bin/python3 and python3-redis.

Usage: redis_py_scenarios.py PORT SCENARIO PREFIX
Exits 0 when the scenario holds; otherwise prints what failed (the traceback) and exits 1.
Waits for expiry by polling with a deadline, never by a fixed sleep.
"""
import sys
import time

import redis

EXPIRY_DEADLINE = 8.0


def await_true(what, condition, deadline=EXPIRY_DEADLINE):
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out after %.0f s waiting for %s" % (deadline, what))
        time.sleep(0.005)


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def set_ex(r, prefix):
    key = prefix + "set-ex"
    check(r.set(key, "v", ex=1) is True, "SET EX replies OK")
    check(r.get(key) == b"v", "the value is there")
    check(0 <= r.ttl(key) <= 1, "TTL is 0 or 1, was %r" % r.ttl(key))
    await_true("the key to expire", lambda: r.get(key) is None)
    check(r.exists(key) == 0, "EXISTS of an expired key")


def setex(r, prefix):
    key = prefix + "setex"
    check(r.setex(key, 1, "v") is True, "SETEX replies OK")
    pttl = r.pttl(key)
    check(1 <= pttl <= 1000, "PTTL within 1 s, was %r" % pttl)
    await_true("the key to expire", lambda: r.get(key) is None)
    check(r.ttl(key) == -2, "TTL of a gone key is -2")


def incr_expire(r, prefix):
    key = prefix + "counter"
    check(r.incr(key) == 1, "INCR of nothing is 1")
    check(r.incr(key, 41) == 42, "INCRBY 41")
    check(r.expire(key, 1) is True, "EXPIRE on a counter")
    check(r.ttl(key) in (0, 1), "TTL of the counter")
    await_true("the counter to expire", lambda: r.get(key) is None)
    check(r.incr(key) == 1, "a new count after expiry")


def scan_iter(r, prefix):
    written = set()
    for i in range(30):
        key = (prefix + "scan:%d" % i).encode()
        r.set(key, "v")
        written.add(key)
    r.set(prefix + "not-scanned", "v")
    scanned = set(r.scan_iter(match=prefix + "scan:*", count=5))
    check(scanned == written, "SCAN visits every matching key: missing %r, extra %r"
          % (sorted(written - scanned), sorted(scanned - written)))


def lock(r, prefix):
    """Lock acquire (SET NX PX) and its expiry. Lock.release is in lock_release: redis-py releases
    with a Lua script (EVALSHA), which kv-proxy does not route yet."""
    name = prefix + "lock"
    first = r.lock(name, timeout=1, blocking_timeout=1)
    check(first.acquire() is True, "the first lock is acquired (SET NX PX)")
    pttl = r.pttl(name)
    check(1 <= pttl <= 1000, "the lock's PTTL is its timeout, was %r" % pttl)
    second = r.lock(name, timeout=1)
    check(second.acquire(blocking=False) is False, "a second lock on the same name is refused")
    await_true("the lock to expire after its timeout", lambda: r.get(name) is None)
    check(second.acquire(blocking=False) is True, "the second lock is acquired once the first expired")


def lock_release(r, prefix):
    """Lock.release and Lock.extend, Lua scripts (EVALSHA, EVAL after NOSCRIPT)."""
    name = prefix + "lock-release"
    first = r.lock(name, timeout=2, blocking_timeout=1)
    check(first.acquire() is True, "the first lock is acquired (SET NX PX)")
    check(first.extend(10) is True, "the owner extends its lock (a script)")
    check(r.pttl(name) > 2000, "extend adds to the time left, PTTL was %r" % r.pttl(name))
    first.release()
    check(r.get(name) is None, "release deletes the lock")
    second = r.lock(name, timeout=5)
    check(second.acquire(blocking=False) is True, "the lock is free again once released")
    r.set(name, "another owner's token")
    try:
        second.release()
        check(False, "releasing a lock another client now holds raises LockNotOwnedError")
    except redis.exceptions.LockNotOwnedError:
        pass
    check(r.get(name) == b"another owner's token", "a failed release leaves the other owner's lock")


SCENARIOS = {f.__name__: f for f in (set_ex, setex, incr_expire, scan_iter, lock, lock_release)}


def main():
    port, scenario, prefix = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    r = redis.Redis(host="127.0.0.1", port=port, socket_timeout=5, socket_connect_timeout=5)
    SCENARIOS[scenario](r, prefix)
    print("ok: %s (redis-py %s)" % (scenario, redis.__version__))


if __name__ == "__main__":
    main()
