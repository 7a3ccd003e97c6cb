package kv.bench.ycsb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;

import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * A YCSB binding for anything that speaks RESP (kv-server, kv-proxy, twemproxy, Redis): each
 * record is one string key holding its fields, so a read is one GET and an insert or update one
 * SET, the traffic a read-through cache sees. YCSB makes one instance per client thread, so one
 * Jedis connection each.
 *
 * <p>Properties: {@code resp.host} (127.0.0.1), {@code resp.port} (6379), {@code resp.timeout}
 * in ms (10000).
 *
 * <p>Value layout: with one field (run with {@code fieldcount=1}) the value is that field's bytes
 * as they are; with more, each field is {@code [int nameLength][name][int valueLength][value]}.
 * An update replaces the whole record (read-modify-write would double the traffic of workload B's
 * 5% of updates and measure YCSB, not the target). Scan is not supported: RESP string keys
 * have no range order.
 */
public class RespClient extends DB {

    private Jedis jedis;

    @Override
    public void init() throws DBException {
        Properties props = getProperties();
        String host = props.getProperty("resp.host", "127.0.0.1");
        int port = Integer.parseInt(props.getProperty("resp.port", "6379"));
        int timeout = Integer.parseInt(props.getProperty("resp.timeout", "10000"));
        try {
            // No CLIENT SETINFO on connect: twemproxy closes the connection on commands it
            // does not know.
            jedis = new Jedis(new HostAndPort(host, port), DefaultJedisClientConfig.builder()
                    .timeoutMillis(timeout)
                    .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                    .build());
            jedis.ping();
        }
        catch (RuntimeException e) {
            throw new DBException("cannot reach " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void cleanup() {
        if (jedis != null) {
            jedis.close();
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            byte[] value = jedis.get(bytes(key));
            if (value == null) {
                return Status.NOT_FOUND;
            }
            decode(value, fields, result);
            return Status.OK;
        }
        catch (RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status scan(String table, String startkey, int recordcount, Set<String> fields,
            Vector<HashMap<String, ByteIterator>> result) {
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        return insert(table, key, values);
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        try {
            jedis.set(bytes(key), encode(values));
            return Status.OK;
        }
        catch (RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            jedis.del(bytes(key));
            return Status.OK;
        }
        catch (RuntimeException e) {
            return Status.ERROR;
        }
    }

    static byte[] encode(Map<String, ByteIterator> values) {
        if (values.size() == 1) {
            return values.values().iterator().next().toArray();
        }
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        int size = 0;
        for (Map.Entry<String, ByteIterator> field : values.entrySet()) {
            byte[] name = bytes(field.getKey());
            byte[] value = field.getValue().toArray();
            fields.put(name, value);
            size += 8 + name.length + value.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        fields.forEach((name, value) -> buffer.putInt(name.length).put(name).putInt(value.length).put(value));
        return buffer.array();
    }

    static void decode(byte[] value, Set<String> wanted, Map<String, ByteIterator> result) {
        if (wanted != null && wanted.size() == 1 && !looksEncoded(value)) {
            result.put(wanted.iterator().next(), new ByteArrayByteIterator(value));
            return;
        }
        if (!looksEncoded(value)) {
            result.put("field0", new ByteArrayByteIterator(value));
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        while (buffer.remaining() >= 8) {
            byte[] name = new byte[buffer.getInt()];
            buffer.get(name);
            byte[] field = new byte[buffer.getInt()];
            buffer.get(field);
            String fieldName = new String(name, StandardCharsets.UTF_8);
            if (wanted == null || wanted.contains(fieldName)) {
                result.put(fieldName, new ByteArrayByteIterator(field));
            }
        }
    }

    /** YCSB's generated values are printable ASCII, so a leading zero byte marks our layout. */
    private static boolean looksEncoded(byte[] value) {
        return value.length >= 8 && value[0] == 0;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
