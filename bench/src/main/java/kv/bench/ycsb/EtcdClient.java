package kv.bench.ycsb;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * A YCSB binding for etcd v3 through {@code io.etcd:jetcd-core}, laid out as {@link RespClient}
 * lays a record out (one key holding its fields), so that kv and etcd answer the same requests:
 * a read is one range GET of one key (linearizable, etcd's default, as kv's reads in cluster
 * mode), an insert or update one PUT.
 *
 * <p>Properties: {@code etcd.endpoints} ({@code http://127.0.0.1:2379}, comma-separated),
 * {@code etcd.timeout} in ms (10000). One jetcd client (one gRPC channel over HTTP/2) is shared
 * by {@code etcd.channels} (default 1) groups of YCSB threads: gRPC multiplexes requests on a
 * channel, as etcd's own benchmark tool does with its {@code --conns}.
 */
public class EtcdClient extends DB {

    private static final Object LOCK = new Object();
    private static Client[] shared;
    private static int users;
    private static final AtomicInteger NEXT = new AtomicInteger();

    private KV kv;
    private long timeoutMillis;

    @Override
    public void init() throws DBException {
        Properties props = getProperties();
        String endpoints = props.getProperty("etcd.endpoints", "http://127.0.0.1:2379");
        timeoutMillis = Long.parseLong(props.getProperty("etcd.timeout", "10000"));
        int channels = Integer.parseInt(props.getProperty("etcd.channels", "1"));
        synchronized (LOCK) {
            if (shared == null) {
                shared = new Client[channels];
                for (int i = 0; i < channels; i++) {
                    shared[i] = Client.builder().endpoints(endpoints.split(",")).build();
                }
            }
            users++;
            kv = shared[Math.floorMod(NEXT.getAndIncrement(), shared.length)].getKVClient();
        }
        try {
            kv.get(bytes("ycsb-probe")).get(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        catch (Exception e) {
            throw new DBException("cannot reach etcd at " + endpoints + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void cleanup() {
        synchronized (LOCK) {
            if (--users == 0 && shared != null) {
                for (Client client : shared) {
                    client.close();
                }
                shared = null;
            }
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            GetResponse response = kv.get(bytes(key)).get(timeoutMillis, TimeUnit.MILLISECONDS);
            if (response.getKvs().isEmpty()) {
                return Status.NOT_FOUND;
            }
            RespClient.decode(response.getKvs().get(0).getValue().getBytes(), fields, result);
            return Status.OK;
        }
        catch (Exception e) {
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
            kv.put(bytes(key), ByteSequence.from(RespClient.encode(values))).get(timeoutMillis, TimeUnit.MILLISECONDS);
            return Status.OK;
        }
        catch (Exception e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            kv.delete(bytes(key)).get(timeoutMillis, TimeUnit.MILLISECONDS);
            return Status.OK;
        }
        catch (Exception e) {
            return Status.ERROR;
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, java.nio.charset.StandardCharsets.UTF_8);
    }
}
