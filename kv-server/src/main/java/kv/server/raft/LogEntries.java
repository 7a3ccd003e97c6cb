package kv.server.raft;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The kv log entry's bytes. A write: {@code 'W'}, the writing process's origin and sequence
 * (so that its own writer, waiting for it, is recognized), then the RocksDB write batch. A
 * member's RESP address: {@code 'M'}, then {@code id=host:port}.
 */
final class LogEntries {

    static final byte WRITE = 'W';
    static final byte MEMBER = 'M';

    private LogEntries() {
    }

    static Message write(long origin, long sequence, byte[] batch) {
        ByteBuffer bytes = ByteBuffer.allocate(17 + batch.length);
        bytes.put(WRITE).putLong(origin).putLong(sequence).put(batch);
        return Message.valueOf(ByteString.copyFrom(bytes.array()));
    }

    static Message member(String id, String address) {
        byte[] text = (id + "=" + address).getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(1 + text.length);
        bytes.put(MEMBER).put(text);
        return Message.valueOf(ByteString.copyFrom(bytes.array()));
    }

    /** A decoded entry. */
    record Entry(byte type, long origin, long sequence, byte[] batch, String memberId, String address) {

        static Entry decode(ByteString data) {
            ByteBuffer bytes = data.asReadOnlyByteBuffer();
            byte type = bytes.get();
            if (type == WRITE) {
                long origin = bytes.getLong();
                long sequence = bytes.getLong();
                byte[] batch = new byte[bytes.remaining()];
                bytes.get(batch);
                return new Entry(type, origin, sequence, batch, null, null);
            }
            if (type == MEMBER) {
                byte[] text = new byte[bytes.remaining()];
                bytes.get(text);
                String member = new String(text, StandardCharsets.UTF_8);
                int eq = member.indexOf('=');
                return new Entry(type, 0, 0, new byte[0], member.substring(0, eq), member.substring(eq + 1));
            }
            throw new IllegalArgumentException("unknown log entry type " + type);
        }
    }
}
