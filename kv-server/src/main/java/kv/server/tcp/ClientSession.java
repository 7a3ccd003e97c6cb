package kv.server.tcp;

import java.time.Instant;

/**
 * What the server knows about one connection: its id and address, the RESP version it chose
 * with HELLO, its name, whether it asked to be closed.
 */
public final class ClientSession {

    private final long id;
    private final String address;
    private final Instant connectedAt;
    private volatile int protocol = 2;
    private volatile String name = "";
    private volatile String lastCommand = "NULL";
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

    public String lastCommand() {
        return lastCommand;
    }

    public void lastCommand(String lastCommand) {
        this.lastCommand = lastCommand;
    }

    public boolean closeRequested() {
        return closeRequested;
    }

    /** The connection closes once the current reply is written (QUIT). */
    public void requestClose() {
        this.closeRequested = true;
    }
}
