import sys, time, redis
def bench(port, n=2000):
    r = redis.Redis(port=port)
    t = time.perf_counter()
    for i in range(n):
        p = r.pipeline(transaction=True)
        p.set('a%d' % (i % 100), i); p.set('b%d' % (i % 100), i)
        p.execute()
    return n / (time.perf_counter() - t)
for port in sys.argv[1:]:
    print("port", port, "MULTI SET SET EXEC (redis-py pipeline, one client): %.0f tx/s" % bench(int(port)))
