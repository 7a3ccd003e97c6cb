"""redis-py scenarios, run by RedisPyScenariosTest with Debian's /usr/bin/python3 and python3-redis.

Usage: redis_py_scenarios.py PORT SCENARIO PREFIX
Exits 0 when the scenario holds; otherwise prints what failed (the traceback) and exits 1.
Waits for expiry by polling with a deadline, never by a fixed sleep.
"""
import sys
import threading
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
    """Lock acquire (SET NX PX) and its expiry; lock_release releases one."""
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
    """Lock.release and Lock.extend are Lua scripts (EVALSHA, EVAL on NOSCRIPT): only the owner's token deletes."""
    name = prefix + "lock-release"
    first = r.lock(name, timeout=5, blocking_timeout=1)
    check(first.acquire() is True, "the first lock is acquired (SET NX PX)")
    check(first.owned(), "the lock is owned by its token")
    check(first.extend(5) is True, "extend (a script) adds to the lock's time")
    check(r.pttl(name) > 5000, "the extended PTTL, was %r" % r.pttl(name))
    token = first.local.token
    first.release()
    check(r.get(name) is None, "release deletes the lock")
    late = r.lock(name, timeout=5)
    late.local.token = token
    try:
        late.release()
        raise AssertionError("a second release with the same token must fail: the lock is not held any more")
    except redis.exceptions.LockNotOwnedError:
        pass
    second = r.lock(name, timeout=5)
    check(second.acquire(blocking=False) is True, "acquired again after the release")
    stolen = r.lock(name, timeout=5)
    stolen.local.token = b"not the owner's token"
    try:
        stolen.release()
        raise AssertionError("a release with another token must not delete the lock")
    except redis.exceptions.LockNotOwnedError:
        pass
    check(r.get(name) is not None, "the owner's lock is still there")
    second.release()
    check(r.get(name) is None, "the owner releases it")


def pipeline(r, prefix):
    """pipeline() is a transaction by default (MULTI ... EXEC in one write): replies in order, a runtime
    error does not stop the others, a queue-time error writes nothing, and WATCH aborts on a change."""
    key = prefix + "pipeline"
    with r.pipeline() as p:
        p.set(key, "x").incr(key).get(key).set(key + ":other", "y")
        results = p.execute(raise_on_error=False)
    check(results[0] is True and isinstance(results[1], redis.exceptions.ResponseError)
          and results[2] == b"x" and results[3] is True, "EXEC's replies, the INCR failing alone: %r" % results)

    aborted = prefix + "pipeline-aborted"
    try:
        with r.pipeline() as p:
            p.set(aborted, "must not be written")
            p.execute_command("NOSUCHCOMMAND", aborted)
            p.execute()
        raise AssertionError("a pipeline with an unknown command must fail")
    except redis.exceptions.ResponseError:
        pass
    check(r.get(aborted) is None, "nothing of an aborted transaction is written, found %r" % r.get(aborted))

    watched = prefix + "pipeline-watched"
    r.set(watched, "0")
    other = redis.Redis(**r.connection_pool.connection_kwargs)
    with r.pipeline() as p:
        p.watch(watched)
        seen = int(p.get(watched))
        other.set(watched, "100")
        p.multi()
        p.set(watched, seen + 1)
        try:
            p.execute()
            raise AssertionError("EXEC after the watched key changed must raise WatchError")
        except redis.exceptions.WatchError:
            pass
    check(r.get(watched) == b"100", "the other client's write stays, was %r" % r.get(watched))

    def increment(p):
        value = int(p.get(watched))
        p.multi()
        p.set(watched, value + 1)
    r.transaction(increment, watched)
    check(r.get(watched) == b"101", "transaction() with WATCH, was %r" % r.get(watched))
    other.close()


def pipeline_atomic(r, prefix):
    """The issue's case: MULTI; SET a; SET b; EXEC pipelined in one write, again and again, while another
    client reads both keys with MGET: it must never see one key written and the other not."""
    a, b = prefix + "atomic:a", prefix + "atomic:b"
    r.mset({a: "0", b: "0"})
    stop = threading.Event()
    halves, reads = [], [0]

    def reader():
        client = redis.Redis(**r.connection_pool.connection_kwargs)
        try:
            while not stop.is_set():
                pair = client.mget(a, b)
                reads[0] += 1
                if pair[0] != pair[1] and len(halves) < 10:
                    halves.append(pair)
        finally:
            client.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(1, 301):
            with r.pipeline() as p:
                p.set(a, i).set(b, i)
                check(p.execute() == [True, True], "EXEC's replies")
    finally:
        stop.set()
        thread.join(30)
    check(not halves, "a reader saw half a transaction (a, b): %r" % halves)
    check(reads[0] > 0, "the reader read")
    check(r.mget(a, b) == [b"300", b"300"], "the last transaction, was %r" % r.mget(a, b))
    print("reads during the transactions: %d" % reads[0])


def pubsub(r, prefix):
    """pubsub(): SUBSCRIBE and PSUBSCRIBE confirmations, a message and a pattern message, UNSUBSCRIBE."""
    channel = prefix + "channel"
    p = r.pubsub()
    p.subscribe(channel)
    confirmation = p.get_message(timeout=5)
    check(confirmation is not None and confirmation["type"] == "subscribe"
          and confirmation["channel"] == channel.encode() and confirmation["data"] == 1,
          "the subscribe confirmation, was %r" % confirmation)
    check(r.publish(channel, "hello") == 1, "PUBLISH counts one subscriber")
    message = p.get_message(timeout=5)
    check(message is not None and message["type"] == "message" and message["data"] == b"hello",
          "the message, was %r" % message)

    p.psubscribe(prefix + "news.*")
    confirmation = p.get_message(timeout=5)
    check(confirmation is not None and confirmation["type"] == "psubscribe" and confirmation["data"] == 2,
          "the psubscribe confirmation, was %r" % confirmation)
    check(r.publish(prefix + "news.today", "extra") == 1, "PUBLISH to a pattern's channel counts one")
    message = p.get_message(timeout=5)
    check(message is not None and message["type"] == "pmessage" and message["pattern"] == (prefix + "news.*").encode()
          and message["channel"] == (prefix + "news.today").encode() and message["data"] == b"extra",
          "the pattern message, was %r" % message)
    numsub = r.pubsub_numsub(channel)
    check(numsub == [(channel.encode(), 1)], "PUBSUB NUMSUB, was %r" % numsub)

    p.unsubscribe(channel)
    confirmation = p.get_message(timeout=5)
    check(confirmation is not None and confirmation["type"] == "unsubscribe" and confirmation["data"] == 1,
          "the unsubscribe confirmation, was %r" % confirmation)
    check(r.publish(channel, "nobody") == 0, "PUBLISH after UNSUBSCRIBE counts nobody")
    p.close()


def hashes(r, prefix):
    """hset/hgetall and the rest of the hash commands an application uses; WRONGTYPE both ways."""
    key = prefix + "hash"
    check(r.hset(key, mapping={"name": "ada", "visits": "1"}) == 2, "HSET of two new fields")
    check(r.hset(key, "lang", "en") == 1, "HSET of one new field")
    check(r.hset(key, "lang", "fr") == 0, "HSET of an existing field")
    check(r.hgetall(key) == {b"name": b"ada", b"visits": b"1", b"lang": b"fr"}, "HGETALL, was %r" % r.hgetall(key))
    check(r.hget(key, "name") == b"ada" and r.hget(key, "missing") is None, "HGET")
    check(r.hmget(key, "name", "missing") == [b"ada", None], "HMGET")
    check(r.hincrby(key, "visits", 41) == 42, "HINCRBY")
    check(r.hlen(key) == 3 and r.hexists(key, "lang") and r.type(key) == b"hash", "HLEN, HEXISTS, TYPE")
    check(r.hdel(key, "lang", "missing") == 1, "HDEL counts the fields that existed")
    try:
        r.get(key)
        raise AssertionError("GET of a hash must be refused")
    except redis.exceptions.ResponseError as e:
        check(str(e).startswith("WRONGTYPE"), "GET of a hash: %s" % e)
    string = prefix + "string"
    r.set(string, "v")
    try:
        r.hset(string, "f", "v")
        raise AssertionError("HSET of a string must be refused")
    except redis.exceptions.ResponseError as e:
        check(str(e).startswith("WRONGTYPE"), "HSET of a string: %s" % e)
    r.delete(key)
    check(r.hgetall(key) == {}, "HGETALL of a deleted hash")


SCENARIOS = {f.__name__: f for f in (set_ex, setex, incr_expire, scan_iter, lock, lock_release, pipeline,
                                     pipeline_atomic, pubsub, hashes)}


def main():
    port, scenario, prefix = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    r = redis.Redis(host="127.0.0.1", port=port, socket_timeout=5, socket_connect_timeout=5)
    SCENARIOS[scenario](r, prefix)
    print("ok: %s (redis-py %s)" % (scenario, redis.__version__))


if __name__ == "__main__":
    main()
