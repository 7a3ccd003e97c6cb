package kv.client.transfer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Test data for the bulk tools, written and read with Jedis (a real client library, not the
 * code under test): strings and hashes with binary keys, values and fields, some with expiry
 * times, in several databases; and a whole keyspace read back, every key's type, contents and
 * absolute expiry time, for comparing two servers exactly.
 */
final class Keyspaces {

    private Keyspaces() {
    }

    /** Writes {@code keys} keys over databases 0, 1 and 5 from {@code seed}; returns their count per database. */
    static Map<Integer, Integer> load(Jedis jedis, int keys, long seed) {
        Random random = new Random(seed);
        long far = System.currentTimeMillis() + 3_600_000;
        int[] dbs = {0, 1, 5};
        Map<Integer, Integer> counts = new TreeMap<>();
        for (int db : dbs) {
            jedis.select(db);
            Pipeline pipeline = jedis.pipelined();
            int n = keys / dbs.length;
            for (int i = 0; i < n; i++) {
                byte[] key = i % 10 == 0 ? bytes(random, 1 + random.nextInt(12)) // binary keys too
                        : ("k:" + db + ":" + i).getBytes(StandardCharsets.UTF_8);
                if (i % 4 == 3) {
                    Map<byte[], byte[]> fields = new java.util.HashMap<>();
                    int size = 1 + random.nextInt(20);
                    for (int f = 0; f < size; f++) {
                        fields.put(("f" + f + (f % 3 == 0 ? " \n\"" : "")).getBytes(StandardCharsets.UTF_8),
                                bytes(random, random.nextInt(40)));
                    }
                    pipeline.del(key);
                    pipeline.hset(key, fields);
                    if (i % 3 == 0) {
                        pipeline.pexpireAt(key, far + i);
                    }
                }
                else if (i % 5 == 0) {
                    pipeline.set(key, bytes(random, random.nextInt(100)), SetParams.setParams().pxAt(far + i));
                }
                else {
                    pipeline.set(key, bytes(random, random.nextInt(100)));
                }
            }
            pipeline.sync();
            counts.put(db, (int) (long) jedis.dbSize());
        }
        jedis.select(0);
        return counts;
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * Every key of databases 0 to 15: "db key" to "type expiry contents", bytes as ISO-8859-1
     * text (one char per byte), hash fields sorted.
     */
    static Map<String, String> read(Jedis jedis) {
        Map<String, String> all = new TreeMap<>();
        for (int db = 0; db < 16; db++) {
            jedis.select(db);
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            for (int call = 0; call < 100_000; call++) {
                ScanResult<byte[]> page = jedis.scan(cursor, new ScanParams().count(500));
                for (byte[] key : page.getResult()) {
                    String type = jedis.type(key);
                    String contents = type.equals("hash") ? text(jedis.hgetAll(key))
                            : type.equals("string") ? text(jedis.get(key)) : "(a " + type + ")";
                    all.put(db + " " + text(key), type + " " + jedis.pexpireTime(key) + " " + contents);
                }
                cursor = page.getCursorAsBytes();
                if (new String(cursor, StandardCharsets.US_ASCII).equals("0")) {
                    break;
                }
            }
        }
        jedis.select(0);
        return all;
    }

    private static String text(Map<byte[], byte[]> hash) {
        Map<String, String> sorted = new TreeMap<>();
        hash.forEach((field, value) -> sorted.put(text(field), text(value)));
        return sorted.toString();
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
