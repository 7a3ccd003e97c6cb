package kv.client.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * Writes keys into kv (or Redis), pipelined: records are sent a batch at a time, and up to two
 * batches are in flight while the next one is read, so the connection never waits for a round
 * trip per key. Each key is written atomically and idempotently, so that writing it again (a
 * resumed migration) leaves the same state: a string is one {@code SET key value [PXAT t]}, a
 * hash one {@code MULTI DEL HSET [PEXPIREAT] EXEC}. A key whose expiry time has already passed
 * is not written (and counted).
 *
 * <p>Every reply is checked; a failed key is recorded with its line (or position) and the
 * server's error, and {@link #failures()} lists them for the caller to skip or stop on.
 */
public final class KeyWriter {

    /** A key kv refused. */
    public record Failure(long line, byte[] key, String error) {
    }

    /** A key sent, whose replies are still to be read. */
    private record Sent(long line, KeyRecord record, boolean select) {
    }

    private static final byte[] SET = bytes("SET");
    private static final byte[] PXAT = bytes("PXAT");
    private static final byte[] HSET = bytes("HSET");

    private final RespPipe pipe;
    private final int batchSize;
    private final int databases;
    private final ArrayDeque<List<Sent>> inFlight = new ArrayDeque<>();
    private List<Sent> batch = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private int selected = -1;
    private long written;
    private long expired;
    private long bytes;
    private long lastSentLine;

    /**
     * @param batchSize keys per pipelined batch
     * @param databases how many databases the target has (a record for another is refused before anything is sent)
     */
    public KeyWriter(RespPipe pipe, int batchSize, int databases) {
        this.pipe = pipe;
        this.batchSize = batchSize;
        this.databases = databases;
    }

    /** How many databases {@code pipe}'s server has ({@code CONFIG GET databases}; 16 if it does not say). */
    public static int databases(RespPipe pipe) throws IOException {
        RespValue reply = pipe.call(Request.of("CONFIG", "GET", "databases"));
        List<RespValue> parts = reply instanceof RespValue.Array array ? array.elements()
                : reply instanceof RespValue.Map map ? map.keysAndValues() : List.of();
        if (parts.size() == 2 && parts.get(1) instanceof RespValue.BulkString value) {
            return Integer.parseInt(new String(value.bytes(), StandardCharsets.US_ASCII));
        }
        return 16;
    }

    /**
     * Queues {@code record} (from {@code line}); sends the batch once it is full.
     *
     * @return false if it was not queued: its database is out of the target's range (recorded as a failure)
     */
    public boolean add(KeyRecord record, long line) throws IOException {
        if (record.db() >= databases) {
            failures.add(new Failure(line, record.key(), "ERR DB index is out of range (the target has "
                    + databases + " databases)"));
            return false;
        }
        if (record.expires() && record.expireAt() <= System.currentTimeMillis()) {
            expired++;
            return true;
        }
        batch.add(new Sent(line, record, record.db() != selected));
        selected = record.db();
        if (batch.size() >= batchSize) {
            send();
        }
        return true;
    }

    /** Sends what is queued and reads every reply still owed: once it returns, every key added is written or failed. */
    public void sync() throws IOException {
        send();
        while (!inFlight.isEmpty()) {
            readReplies(inFlight.poll());
        }
    }

    private void send() throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        for (Sent sent : batch) {
            if (sent.select()) {
                pipe.send(Request.of("SELECT", Integer.toString(sent.record().db())));
            }
            send(sent.record());
            lastSentLine = sent.line();
        }
        pipe.flush();
        inFlight.add(batch);
        batch = new ArrayList<>(batchSize);
        if (inFlight.size() > 1) {
            readReplies(inFlight.poll());
        }
    }

    private void send(KeyRecord record) throws IOException {
        if (record.type() == KeyRecord.Type.STRING) {
            List<byte[]> args = new ArrayList<>(List.of(SET, record.key(), record.contents().get(0)));
            if (record.expires()) {
                args.add(PXAT);
                args.add(bytes(Long.toString(record.expireAt())));
            }
            pipe.send(Request.of(args));
            return;
        }
        pipe.send(Request.of("MULTI"));
        pipe.send(new Request(new byte[][] {bytes("DEL"), record.key()}));
        List<byte[]> hset = new ArrayList<>(record.contents().size() + 2);
        hset.add(HSET);
        hset.add(record.key());
        hset.addAll(record.contents());
        pipe.send(Request.of(hset));
        if (record.expires()) {
            pipe.send(new Request(new byte[][] {bytes("PEXPIREAT"), record.key(), bytes(Long.toString(record.expireAt()))}));
        }
        pipe.send(Request.of("EXEC"));
    }

    private void readReplies(List<Sent> sent) throws IOException {
        for (Sent one : sent) {
            String error = null;
            if (one.select()) {
                error = errorOf(pipe.read());
            }
            KeyRecord record = one.record();
            if (record.type() == KeyRecord.Type.STRING) {
                error = first(error, errorOf(pipe.read()));
            }
            else {
                int queued = record.expires() ? 3 : 2;
                error = first(error, errorOf(pipe.read())); // MULTI
                for (int i = 0; i < queued; i++) {
                    error = first(error, errorOf(pipe.read()));
                }
                RespValue exec = pipe.read();
                error = first(error, errorOf(exec));
                if (exec instanceof RespValue.Array results) {
                    for (RespValue result : results.elements()) {
                        error = first(error, errorOf(result));
                    }
                }
            }
            if (error != null) {
                failures.add(new Failure(one.line(), record.key(), error));
                if (one.select()) {
                    selected = -1; // not known any more: select again before the next key
                }
            }
            else {
                written++;
                bytes += record.bytes();
            }
        }
    }

    private static String errorOf(RespValue reply) {
        return reply instanceof RespValue.Error error ? error.message() : null;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    /** Keys written and acknowledged. */
    public long written() {
        return written;
    }

    /** Keys not written because their expiry time had passed. */
    public long expired() {
        return expired;
    }

    /** Bytes of keys, values and fields written. */
    public long bytes() {
        return bytes;
    }

    /** The line (or position) of the last key sent. */
    public long lastSentLine() {
        return lastSentLine;
    }

    /** The keys refused so far, oldest first. */
    public List<Failure> failures() {
        return failures;
    }

    private static byte[] bytes(String word) {
        return word.getBytes(StandardCharsets.UTF_8);
    }
}
