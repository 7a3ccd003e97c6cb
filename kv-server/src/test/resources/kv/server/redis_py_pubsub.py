"""redis-py's pub/sub as an application uses it, against the server on port argv[1]; exits 0 if all holds."""
import sys
import threading
import time

import redis

port = int(sys.argv[1])
r = redis.Redis(host='127.0.0.1', port=port, socket_timeout=10)


def next_message(pubsub, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        message = pubsub.get_message(timeout=deadline - time.time())
        if message is not None:
            return message
    raise AssertionError('no message within %s s' % timeout)


def check(actual, expected):
    if actual != expected:
        raise AssertionError('expected %r, got %r' % (expected, actual))


# get_message: confirmations, a channel and a pattern message, in order.
p = r.pubsub()
p.subscribe('news')
p.psubscribe('n*')
check(next_message(p), {'type': 'subscribe', 'pattern': None, 'channel': b'news', 'data': 1})
check(next_message(p), {'type': 'psubscribe', 'pattern': None, 'channel': b'n*', 'data': 2})
check(r.publish('news', 'hello'), 2)
check(next_message(p), {'type': 'message', 'pattern': None, 'channel': b'news', 'data': b'hello'})
check(next_message(p), {'type': 'pmessage', 'pattern': b'n*', 'channel': b'news', 'data': b'hello'})
check(r.pubsub_numsub('news'), [(b'news', 1)])
check(r.pubsub_numpat(), 1)
check(r.pubsub_channels(), [b'news'])
p.unsubscribe('news')
check(next_message(p), {'type': 'unsubscribe', 'pattern': None, 'channel': b'news', 'data': 1})
p.punsubscribe()
check(next_message(p), {'type': 'punsubscribe', 'pattern': None, 'channel': b'n*', 'data': 0})
p.close()

# run_in_thread with a handler, and keyspace notifications turned on by the application.
r.config_set('notify-keyspace-events', 'KEA')
events = []
done = threading.Event()


def on_event(message):
    events.append((message['channel'], message['data']))
    if message['data'] == b'expired':
        done.set()


watcher = r.pubsub(ignore_subscribe_messages=True)
watcher.psubscribe(**{'__keyspace@0__:py-*': on_event})
worker = watcher.run_in_thread(sleep_time=0.01, daemon=True)
for _ in range(500):
    if r.pubsub_numpat() == 1:
        break
    time.sleep(0.01)
r.set('py-key', 'v', px=50)
r.get('py-key')
if not done.wait(10):
    raise AssertionError('no expired event; events: %r' % events)
worker.stop()
worker.join(10)
watcher.close()
r.config_set('notify-keyspace-events', '')
check(events, [(b'__keyspace@0__:py-key', b'set'), (b'__keyspace@0__:py-key', b'expire'),
               (b'__keyspace@0__:py-key', b'expired')])
print('ok')
