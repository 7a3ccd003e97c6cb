package kv.server.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.Glob;
import kv.protocol.command.Hello;
import kv.protocol.ops.ProcessFigures;
import kv.protocol.acl.Users;
import kv.protocol.tls.TlsSettings;
import kv.protocol.tls.TlsStatus;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.protocol.config.RuntimeSettings;
import kv.protocol.config.Secrets;
import kv.server.config.KvServerProperties;
import kv.server.config.PubSubProperties;
import kv.protocol.pubsub.PubSub;
import kv.server.pubsub.KeyspaceEvents;
import kv.server.expiry.ExpiryCycle;
import kv.server.store.DiskGuard;
import kv.server.store.KeyValueStore;
import kv.protocol.endpoint.ClientRegistry;
import kv.server.session.ClientSession;
import kv.protocol.endpoint.RespServerConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** INFO and CONFIG: what tools such as redis-cli and redis-benchmark ask first, with COMMAND (see ConnectionCommandGroup). */
@Component
public class ServerCommands implements CommandGroup<ClientSession> {

    private static final Set<String> DEFAULT_SECTIONS = Set.of("server", "clients", "memory", "stats", "cpu",
            "persistence", "replication", "keyspace");

    private final KvServerProperties properties;
    private final KeyValueStore store;
    private final DiskGuard disk;
    private final ClientRegistry<ClientSession> clients;
    private final KeyValueCommands keyValueCommands;
    private final ObjectProvider<CommandDispatcher> dispatcher;
    private final ObjectProvider<RespServerConnectionFactory> connectionFactory;
    private final ExpiryCycle expiry;
    private final Databases databases;
    private final KeyspaceEvents events;
    private final PubSubProperties pubSub;
    private final PubSub hub;
    private final PersistenceCommands persistence;
    private final ObjectProvider<Replication> replication;
    /** CONFIG SET's table of parameters that change at run time. */
    private final RuntimeSettings settable;
    private final Users users;
    private final TlsStatus tls;
    private final Instant started = Instant.now();

    public ServerCommands(KvServerProperties properties, KeyValueStore store, ClientRegistry<ClientSession> clients,
                          KeyValueCommands keyValueCommands, ObjectProvider<CommandDispatcher> dispatcher,
                          ObjectProvider<RespServerConnectionFactory> connectionFactory, DiskGuard disk,
                          ExpiryCycle expiry, Databases databases, KeyspaceEvents events, PubSubProperties pubSub,
                          PubSub hub, PersistenceCommands persistence, ObjectProvider<Replication> replication,
                          RuntimeSettings settable, Users users, org.springframework.core.env.Environment environment,
                          ObjectProvider<org.springframework.boot.ssl.SslBundles> sslBundles) {
        this.replication = replication;
        this.settable = settable;
        this.users = users;
        TlsSettings tlsSettings = TlsSettings.bind(environment, "kv.server");
        this.tls = new TlsStatus(tlsSettings, tlsSettings.enabled()
                ? TlsSettings.bundle(environment, "kv.server", sslBundles.getIfAvailable()) : null);
        this.hub = hub;
        this.persistence = persistence;
        this.events = events;
        this.pubSub = pubSub;
        this.expiry = expiry;
        this.databases = databases;
        this.properties = properties;
        this.disk = disk;
        this.store = store;
        this.clients = clients;
        this.keyValueCommands = keyValueCommands;
        this.dispatcher = dispatcher;
        this.connectionFactory = connectionFactory;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        handlers.put("info", this::info);
        handlers.put("config", this::config);
    }

    /** {@code INFO [section ...]}: Redis's text format, sections {@code # Name} and {@code field:value} lines. */
    RespValue info(Request request, ClientSession session) {
        Set<String> wanted = new java.util.HashSet<>();
        for (int i = 1; i < request.size(); i++) {
            wanted.add(request.argString(i).toLowerCase(Locale.ROOT));
        }
        boolean all = wanted.contains("all") || wanted.contains("everything");
        if (wanted.isEmpty() || wanted.remove("default")) {
            wanted.addAll(DEFAULT_SECTIONS);
        }
        StringBuilder text = new StringBuilder();
        for (String section : List.of("server", "clients", "memory", "stats", "cpu", "persistence", "replication",
                "keyspace", "commandstats")) {
            if (all || wanted.contains(section)) {
                if (text.length() > 0) {
                    text.append("\r\n");
                }
                section(text, section);
            }
        }
        return new RespValue.Verbatim("txt", text.toString());
    }

    private void section(StringBuilder text, String name) {
        Map<String, Object> fields = new LinkedHashMap<>();
        switch (name) {
            case "server" -> {
                long uptime = Duration.between(started, Instant.now()).toSeconds();
                fields.put("redis_version", Hello.REDIS_COMPATIBLE_VERSION);
                fields.put("kv_version", version());
                fields.put("redis_mode", "standalone");
                fields.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
                fields.put("arch_bits", System.getProperty("sun.arch.data.model", "64"));
                fields.put("java_version", Runtime.version().toString());
                fields.put("process_id", ProcessHandle.current().pid());
                fields.put("tcp_port", port());
                if (tls.enabled()) { // kv's, not Redis's: the TLS port and when its certificate expires
                    fields.put("tls_port", tlsPort());
                    fields.put("tls_cert_expires", tls.certificateExpiry() == null ? "unknown" : tls.certificateExpiry());
                }
                fields.put("uptime_in_seconds", uptime);
                fields.put("uptime_in_days", uptime / 86400);
            }
            case "clients" -> {
                fields.put("connected_clients", clients.connected());
                fields.put("maxclients", clients.maxClients());
                fields.put("blocked_clients", 0);
            }
            case "memory" -> ProcessFigures.memory(fields);
            case "cpu" -> ProcessFigures.cpu(fields);
            case "stats" -> {
                CommandDispatcher commands = dispatcher.getObject();
                fields.put("total_connections_received", clients.totalConnections());
                fields.put("total_commands_processed", commands.processed());
                fields.put("rejected_connections", clients.rejectedConnections());
                fields.put("total_error_replies", commands.stats().values().stream()
                        .mapToLong(s -> s.failedCalls() + s.rejectedCalls()).sum());
                fields.put("protocol_errors", commands.protocolErrors());
                fields.put("keyspace_hits", keyValueCommands.keyspaceHits());
                fields.put("keyspace_misses", keyValueCommands.keyspaceMisses());
                fields.put("expired_keys", expiry.expiredKeys());
                fields.put("pubsub_channels", hub.channels(null).size());
                fields.put("pubsub_patterns", hub.patterns());
                fields.put("pubsubshard_channels", 0);
            }
            case "persistence" -> {
                fields.put("loading", 0);
                persistence.persistenceInfo(fields);
                fields.put("storage_engine", "rocksdb");
                fields.put("data_dir", properties.dataDir().toAbsolutePath());
                fields.put("aof_enabled", 1);
                fields.put("appendfsync", properties.fsync().name().toLowerCase(Locale.ROOT));
                String problem = disk.storageProblem(store);
                fields.put("storage_status", problem == null ? "ok" : problem.replace('\n', ' '));
                fields.put("disk_free_bytes", properties.dataDir().toFile().getUsableSpace());
                fields.put("min_free_disk_bytes", properties.minFreeDisk().toBytes());
            }
            case "replication" -> replication.getObject().info(fields);
            case "keyspace" -> {
                for (int db = 0; db < properties.databases(); db++) {
                    byte[] prefix = databases.prefix(db);
                    long keys = store.size(prefix);
                    if (keys > 0) {
                        fields.put("db" + db, "keys=" + keys + ",expires=" + store.expiring(prefix) + ",avg_ttl=0");
                    }
                }
            }
            case "commandstats" -> dispatcher.getObject().stats().forEach((command, stats) -> {
                if (stats.calls() + stats.rejectedCalls() > 0) {
                    double perCall = stats.calls() == 0 ? 0 : stats.nanos() / 1000.0 / stats.calls();
                    fields.put("cmdstat_" + command, String.format(Locale.ROOT,
                            "calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d",
                            stats.calls(), stats.micros(), perCall, stats.rejectedCalls(), stats.failedCalls()));
                }
            });
            default -> throw new IllegalArgumentException(name);
        }
        text.append("# ").append(Character.toUpperCase(name.charAt(0))).append(name.substring(1)).append("\r\n");
        fields.forEach((key, value) -> text.append(key).append(':').append(value).append("\r\n"));
    }

    private int port() {
        RespServerConnectionFactory factory = connectionFactory.getIfAvailable();
        return factory == null ? properties.port() : factory.getPort();
    }

    private int tlsPort() {
        RespServerConnectionFactory factory = connectionFactory.getIfAvailable();
        return factory == null ? 0 : factory.getTlsPort();
    }

    private static String version() {
        String version = ServerCommands.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /**
     * {@code CONFIG GET pattern...} over the settings clients ask about; {@code CONFIG SET} of the
     * parameters in {@link RuntimeSettings} (slowlog-*, latency-monitor-threshold, maxclients,
     * notify-keyspace-events, requirepass, ...), until restart; {@code CONFIG REWRITE} refused as Redis refuses
     * it without a config file.
     */
    RespValue config(Request request, ClientSession session) {
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        switch (sub) {
            case "get": {
                if (request.size() < 3) {
                    return Replies.error("ERR wrong number of arguments for 'config|get' command");
                }
                Map<String, String> values = configValues();
                List<RespValue> reply = new ArrayList<>();
                for (Map.Entry<String, String> entry : values.entrySet()) {
                    for (int i = 2; i < request.size(); i++) {
                        if (Glob.of(request.arg(i)).matches(entry.getKey().getBytes())) {
                            reply.add(Replies.bulk(entry.getKey()));
                            reply.add(Replies.bulk(entry.getValue()));
                            break;
                        }
                    }
                }
                return new RespValue.Map(reply);
            }
            case "resetstat":
                dispatcher.getObject().resetStats();
                return Replies.OK;
            case "set":
                return settable.set(request, configValues().keySet());
            case "rewrite":
                return request.size() == 2 ? RuntimeSettings.rewrite() : Replies.wrongArity("config|rewrite");
            case "help":
                return request.size() == 2 ? RuntimeSettings.help() : Replies.wrongArity("config|help");
            default:
                return Replies.error("ERR unknown subcommand '" + request.argString(1) + "'. Try CONFIG HELP.");
        }
    }

    /**
     * Every parameter Redis 7.0 has, with its default (a file taken from redis-server 7.0.15), so
     * that tools reading any of them find it.
     */
    private static final Map<String, String> REDIS_DEFAULTS = redisDefaults();

    private static Map<String, String> redisDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        try (InputStream in = ServerCommands.class.getResourceAsStream("/kv/server/redis-config-defaults.tsv")) {
            if (in == null) {
                throw new IllegalStateException("redis-config-defaults.tsv is missing from the jar");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int tab = line.indexOf('\t');
                if (!line.startsWith("#") && tab > 0) {
                    defaults.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return defaults;
    }

    /** Redis's parameters, those that kv's settings decide replaced by kv's values. */
    private Map<String, String> configValues() {
        Map<String, String> values = new LinkedHashMap<>(REDIS_DEFAULTS);
        values.put("port", Integer.toString(port()));
        values.put("bind", properties.bind());
        values.put("dir", properties.dataDir().toAbsolutePath().toString());
        values.put("appendonly", "yes");
        values.put("appendfsync", properties.fsync().name().toLowerCase(Locale.ROOT));
        values.put("save", "");
        values.put("databases", Integer.toString(properties.databases()));
        values.put("maxclients", Integer.toString(properties.maxClients()));
        values.put("proto-max-bulk-len", Long.toString(properties.limits().maxBulk().toBytes()));
        values.put("client-query-buffer-limit", Long.toString(properties.limits().maxBulk().toBytes()));
        values.put("io-threads", Integer.toString(properties.ioThreads()));
        values.put("tcp-backlog", Integer.toString(kv.protocol.endpoint.RespEndpoint.BACKLOG));
        long outputHard = properties.limits().clientOutputBuffer().toBytes(); // kv's normal class: a hard limit only
        values.put("shutdown-timeout", Long.toString(properties.shutdownTimeout().toSeconds()));
        values.put("notify-keyspace-events", events.classes());
        values.put("requirepass", users.requirepassSet() ? "set" : ""); // shown masked below
        values.putAll(tls.configValues(tlsPort()));
        settable.current(values); // slowlog-*, latency-monitor-threshold, maxclients as CONFIG SET left them
        values.put("client-output-buffer-limit", "normal " + outputHard + " 0 0 slave 268435456 67108864 60 pubsub "
                + pubSub.outputLimit()); // kv has no replicas; the slave class is Redis's default
        // Unlike Redis, a password is never answered (requirepass, masterauth, tls-key-file-pass):
        // a set one reads "******", an unset one "" as in Redis (see Secrets).
        values.replaceAll(Secrets::shown);
        return values;
    }
}
