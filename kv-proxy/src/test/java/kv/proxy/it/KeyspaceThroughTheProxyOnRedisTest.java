package kv.proxy.it;

import java.util.List;

import kv.proxy.testing.RedisServerProcess;

/** {@link KeyspaceThroughTheProxyChecks} in front of two Redis servers. */
class KeyspaceThroughTheProxyOnRedisTest extends KeyspaceThroughTheProxyChecks {

    @Override
    List<Integer> startBackends() throws Exception {
        RedisServerProcess a = RedisServerProcess.start(work);
        RedisServerProcess b = RedisServerProcess.start(work);
        backends.add(a);
        backends.add(b);
        return List.of(a.port(), b.port());
    }
}
