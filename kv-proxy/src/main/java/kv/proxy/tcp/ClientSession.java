package kv.proxy.tcp;

import java.time.Instant;

/**
 * What the proxy knows about one client connection: its id and address, the RESP version it
 * chose with HELLO, its name, and whether it asked to see where GET answers came from
 * ({@code CLIENT KVSOURCE ON}).
 */
public final class ClientSession {

    private final long id;
    private final String address;
    private final Instant connectedAt;
    private volatile int protocol = 2;
    private volatile String name = "";
    private volatile boolean wantsSource;
    private volatile boolean closeRequested;

    public ClientSession(long id, String address, Instant connectedAt) {
        this.id = id;
        this.address = address;
        this.connectedAt = connectedAt;
    }

    public long id() {
        return id;
    }

    /** Remote address as {@code 127.0.0.1:53842}. */
    public String address() {
        return address;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int protocol) {
        this.protocol = protocol;
    }

    public String name() {
        return name;
    }

    public void name(String name) {
        this.name = name;
    }

    /** True if GET replies carry a {@code source} attribute (RESP3 only; RESP2 cannot carry one). */
    public boolean wantsSource() {
        return wantsSource && protocol == 3;
    }

    public void wantsSource(boolean wantsSource) {
        this.wantsSource = wantsSource;
    }

    public boolean closeRequested() {
        return closeRequested;
    }

    /** The connection closes once the current reply is written (QUIT). */
    public void requestClose() {
        this.closeRequested = true;
    }
}
