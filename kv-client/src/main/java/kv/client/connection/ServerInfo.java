package kv.client.connection;

import java.util.List;

import kv.protocol.resp.RespValue;

/**
 * What the handshake learned about the other end.
 *
 * @param name the {@code server} field of HELLO: {@code kv}, {@code redis}, or {@code unknown}
 * @param version its {@code version} field
 * @param protocol 3 after a successful {@code HELLO 3}, 2 otherwise
 * @param marksSource true if it answered {@code CLIENT KVSOURCE ON} with OK: a kv-proxy
 */
public record ServerInfo(String name, String version, int protocol, boolean marksSource) {

    public static final ServerInfo UNKNOWN = new ServerInfo("unknown", "", 2, false);

    /** Reads a HELLO reply (a RESP3 map, or a flat array from a RESP2 server). */
    public static ServerInfo fromHello(RespValue reply) {
        List<RespValue> pairs = reply instanceof RespValue.Map map ? map.keysAndValues()
                : reply instanceof RespValue.Array array ? array.elements() : List.of();
        String name = "unknown";
        String version = "";
        int protocol = 2;
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            String key = Answer.text(pairs.get(i));
            RespValue value = pairs.get(i + 1);
            if ("server".equals(key) && Answer.text(value) != null) {
                name = Answer.text(value);
            }
            else if ("version".equals(key) && Answer.text(value) != null) {
                version = Answer.text(value);
            }
            else if ("proto".equals(key) && value instanceof RespValue.Integer proto) {
                protocol = (int) proto.value();
            }
        }
        return new ServerInfo(name, version, protocol, false);
    }

    public ServerInfo withSourceMarking(boolean marks) {
        return new ServerInfo(name, version, protocol, marks);
    }

    public boolean isRedis() {
        return "redis".equalsIgnoreCase(name);
    }

    /** {@code kv 7.0.0, RESP3, marks cache hits}, for the greeting and {@code connect}. */
    public String describe() {
        String what = marksSource ? "kv-proxy" : name;
        return what + (version.isEmpty() ? "" : " " + version) + ", RESP" + protocol
                + (marksSource ? ", shows cache hits" : "");
    }
}
