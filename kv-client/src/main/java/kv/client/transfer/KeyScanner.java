package kv.client.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * Reads the keys of a live kv or Redis a batch at a time, in constant memory: {@code SCAN}
 * gives a batch of names, then two pipelined rounds fetch them (PEXPIRETIME and GET for each,
 * then TYPE and HGETALL for those that are not strings). A key that is gone by the time it is fetched is left out; a key
 * of a type kv does not have (a Redis list, set...) is counted, by type, and left out.
 *
 * <p>This is not a snapshot: a key written during the scan may be read before or after the
 * write (SCAN's own guarantee: a key present all along is returned at least once). A backup
 * ({@code BGSAVE}) is the point-in-time copy.
 *
 * <p>Expiry times are absolute ({@code PEXPIRETIME}, Redis 7.0+); against an older server,
 * {@code PTTL} plus this machine's clock.
 */
public final class KeyScanner {

    /** One SCAN step's keys, and the cursor to continue from (0: the database is done). */
    public record Batch(int db, String nextCursor, List<KeyRecord> records, Map<String, Long> skippedTypes) {
    }

    private final RespPipe pipe;
    private final byte[] match;
    private final int count;
    private Boolean hasExpireTime;
    private int selected = -1;

    /**
     * @param match a glob to select keys by (null: all)
     * @param count SCAN's COUNT hint: keys per batch, roughly
     */
    public KeyScanner(RespPipe pipe, String match, int count) {
        this.pipe = pipe;
        this.match = match == null ? null : match.getBytes(StandardCharsets.UTF_8);
        this.count = count;
    }

    /**
     * The databases that hold keys, with their key counts, from {@code INFO keyspace}
     * ({@code db0:keys=12,...}), in order.
     */
    public Map<Integer, Long> databases() throws IOException {
        RespValue info = expectOk(pipe.call(Request.of("INFO", "keyspace")), "INFO keyspace");
        String text = info instanceof RespValue.BulkString bulk ? new String(bulk.bytes(), StandardCharsets.UTF_8)
                : info instanceof RespValue.Verbatim verbatim ? verbatim.text() : "";
        Map<Integer, Long> databases = new TreeMap<>();
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("db") && line.contains(":keys=")) {
                int colon = line.indexOf(':');
                int comma = line.indexOf(',', colon);
                databases.put(Integer.parseInt(line.substring(2, colon)),
                        Long.parseLong(line.substring(colon + 6, comma < 0 ? line.length() : comma)));
            }
        }
        return databases;
    }

    /** One SCAN step in {@code db} from {@code cursor} ("0" to start), with the keys it found fetched. */
    public Batch next(int db, String cursor) throws IOException {
        if (selected != db) {
            expectOk(pipe.call(Request.of("SELECT", Integer.toString(db))), "SELECT " + db);
            selected = db;
        }
        List<byte[]> scan = new ArrayList<>(List.of(bytes("SCAN"), bytes(cursor)));
        if (match != null) {
            scan.add(bytes("MATCH"));
            scan.add(match);
        }
        scan.add(bytes("COUNT"));
        scan.add(bytes(Integer.toString(count)));
        RespValue reply = expectOk(pipe.call(Request.of(scan)), "SCAN");
        List<RespValue> parts = ((RespValue.Array) reply).elements();
        String next = new String(((RespValue.BulkString) parts.get(0)).bytes(), StandardCharsets.US_ASCII);
        List<byte[]> keys = new ArrayList<>();
        for (RespValue key : ((RespValue.Array) parts.get(1)).elements()) {
            keys.add(((RespValue.BulkString) key).bytes());
        }
        Map<String, Long> skipped = new LinkedHashMap<>();
        return new Batch(db, next, fetch(db, keys, skipped), skipped);
    }

    /**
     * Two pipelined rounds: PEXPIRETIME and GET for every key (most keys are strings); then TYPE
     * and HGETALL for those GET refused with WRONGTYPE (hashes, or types kv does not have).
     */
    private List<KeyRecord> fetch(int db, List<byte[]> keys, Map<String, Long> skipped) throws IOException {
        if (keys.isEmpty()) {
            return List.of();
        }
        boolean absolute = hasExpireTime();
        long now = System.currentTimeMillis();
        for (byte[] key : keys) {
            pipe.send(new Request(new byte[][] {bytes(absolute ? "PEXPIRETIME" : "PTTL"), key}));
            pipe.send(new Request(new byte[][] {bytes("GET"), key}));
        }
        pipe.flush();
        long[] expiries = new long[keys.size()];
        RespValue[] values = new RespValue[keys.size()];
        List<Integer> notStrings = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            RespValue expiry = expectOk(pipe.read(), absolute ? "PEXPIRETIME" : "PTTL");
            long time = ((RespValue.Integer) expiry).value();
            expiries[i] = time < 0 ? KeyRecord.NO_EXPIRY : absolute ? time : now + time;
            values[i] = pipe.read();
            if (values[i] instanceof RespValue.Error error && error.message().startsWith("WRONGTYPE")) {
                notStrings.add(i);
            }
            else {
                expectOk(values[i], "GET");
            }
        }
        for (int i : notStrings) {
            pipe.send(new Request(new byte[][] {bytes("TYPE"), keys.get(i)}));
            pipe.send(new Request(new byte[][] {bytes("HGETALL"), keys.get(i)}));
        }
        pipe.flush();
        KeyRecord.Type[] types = new KeyRecord.Type[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            types[i] = KeyRecord.Type.STRING;
        }
        for (int i : notStrings) {
            String name = ((RespValue.SimpleString) expectOk(pipe.read(), "TYPE")).value();
            types[i] = KeyRecord.Type.of(name);
            values[i] = pipe.read();
            if (types[i] != KeyRecord.Type.HASH) {
                types[i] = null; // a string again by now (the scan's fuzzy edge), or a type kv does not have
                if (!name.equals("string") && !name.equals("none")) {
                    skipped.merge(name, 1L, Long::sum);
                }
            }
        }
        List<KeyRecord> records = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            List<byte[]> contents = types[i] == null ? List.of() : contents(values[i]);
            if (!contents.isEmpty()) { // empty: deleted since SCAN
                records.add(new KeyRecord(db, types[i], keys.get(i), expiries[i], contents));
            }
        }
        return records;
    }

    /** A GET's value as one part, an HGETALL's fields and values as many; none for nil or an error. */
    private static List<byte[]> contents(RespValue value) {
        List<byte[]> contents = new ArrayList<>();
        if (value instanceof RespValue.BulkString bulk) {
            contents.add(bulk.bytes());
        }
        else if (value instanceof RespValue.Array array) {
            for (RespValue part : array.elements()) {
                contents.add(((RespValue.BulkString) part).bytes());
            }
        }
        else if (value instanceof RespValue.Map map) {
            for (RespValue part : map.keysAndValues()) {
                contents.add(((RespValue.BulkString) part).bytes());
            }
        }
        return contents;
    }

    /** Whether the server has PEXPIRETIME (Redis 7.0+, kv): asked once. */
    private boolean hasExpireTime() throws IOException {
        if (hasExpireTime == null) {
            RespValue reply = pipe.call(Request.of("PEXPIRETIME", "kv-export-probe"));
            hasExpireTime = reply instanceof RespValue.Integer;
        }
        return hasExpireTime;
    }

    private static RespValue expectOk(RespValue reply, String what) throws IOException {
        if (reply instanceof RespValue.Error error) {
            throw new IOException(what + " failed: " + error.message());
        }
        return reply;
    }

    private static byte[] bytes(String word) {
        return word.getBytes(StandardCharsets.UTF_8);
    }
}
