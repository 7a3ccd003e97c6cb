package kv.server.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import kv.server.command.KeyValueCommands;
import kv.server.store.KeyValueStore;
import kv.protocol.endpoint.ClientRegistry;
import kv.server.session.ClientSession;
import org.springframework.stereotype.Component;

/** Gauges beside the per-command timers: connected clients, keys, keyspace hits and misses. */
@Component
class ServerMetrics {

    ServerMetrics(MeterRegistry meters, ClientRegistry<ClientSession> clients, KeyValueStore store, KeyValueCommands commands) {
        Gauge.builder("kv.clients.connected", clients, ClientRegistry<ClientSession>::connected)
                .description("Connected RESP clients").register(meters);
        Gauge.builder("kv.clients.rejected", clients, ClientRegistry<ClientSession>::rejectedConnections)
                .description("Connections refused because max-clients was reached").register(meters);
        Gauge.builder("kv.keys", store, KeyValueStore::estimatedSize)
                .description("Keys stored (RocksDB estimate)").register(meters);
        Gauge.builder("kv.keyspace.hits", commands, KeyValueCommands::keyspaceHits)
                .description("Reads that found their key").register(meters);
        Gauge.builder("kv.keyspace.misses", commands, KeyValueCommands::keyspaceMisses)
                .description("Reads that did not find their key").register(meters);
    }
}
