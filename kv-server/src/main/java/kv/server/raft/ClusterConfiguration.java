package kv.server.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import kv.protocol.endpoint.ClientRegistry;
import kv.protocol.endpoint.RespServerConnectionFactory;
import kv.server.command.Replication;
import kv.server.command.StandaloneReplication;
import kv.server.config.Fsync;
import kv.server.config.KvServerProperties;
import kv.server.session.ClientSession;
import kv.server.store.ForwardingStore;
import kv.server.store.KeyValueStore;
import kv.server.store.ReplicatedWrites;
import kv.server.store.RocksDbStore;
import kv.server.tracking.InvalidationHub;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A {@link RaftNode} when {@code kv.server.raft.id} is set, else a {@link StandaloneReplication}. */
@Configuration(proxyBeanMethods = false)
class ClusterConfiguration {

    @Bean
    Replication replication(ClusterProperties cluster, KvServerProperties server, KeyValueStore store,
                            ObjectProvider<RespServerConnectionFactory> connections, InvalidationHub invalidations,
                            ClientRegistry<ClientSession> clients) {
        if (!cluster.enabled()) {
            return new StandaloneReplication();
        }
        // The value cache forgets what other nodes' entries change (before tracking tells clients).
        List<ReplicatedWrites> caches = new ArrayList<>();
        KeyValueStore layer = store;
        while (layer instanceof ForwardingStore forwarding) {
            if (forwarding instanceof ReplicatedWrites cache) {
                caches.add(cache);
            }
            layer = forwarding.delegate();
        }
        if (!(layer instanceof RocksDbStore rocks)) {
            throw new IllegalStateException("cluster mode needs the RocksDB store, not " + layer.getClass().getSimpleName());
        }
        caches.forEach(rocks::onReplicatedWrites);
        rocks.onReplicatedWrites(new ReplicatedWrites() {
            @Override
            public void written(List<byte[]> keys) {
                List<byte[]> names = new ArrayList<>(keys.size());
                keys.forEach(key -> names.add(Arrays.copyOfRange(key, 1, key.length)));
                invalidations.written(null, names);
            }

            @Override
            public void flushed() {
                invalidations.flushedAll(clients.all());
            }
        });
        try {
            return new RaftNode(cluster, rocks, server.dataDir(), server.fsync() != Fsync.NO,
                    () -> {
                        RespServerConnectionFactory factory = connections.getIfAvailable();
                        return factory == null ? 0 : factory.getPort();
                    }, server.bind());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot start the Raft server: " + e.getMessage(), e);
        }
    }
}
