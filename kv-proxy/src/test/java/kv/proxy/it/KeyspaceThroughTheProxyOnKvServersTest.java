package kv.proxy.it;

import java.util.List;

import kv.server.testing.KvServerProcess;

/** {@link KeyspaceThroughTheProxyChecks} in front of two kv-servers. */
class KeyspaceThroughTheProxyOnKvServersTest extends KeyspaceThroughTheProxyChecks {

    @Override
    List<Integer> startBackends() throws Exception {
        KvServerProcess a = KvServerProcess.start(work.resolve("a"));
        KvServerProcess b = KvServerProcess.start(work.resolve("b"));
        backends.add(a);
        backends.add(b);
        return List.of(a.port(), b.port());
    }
}
