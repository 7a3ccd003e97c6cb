package kv.protocol.endpoint;

import java.time.Instant;

/**
 * What every kv service knows about one client connection: its id and address, the RESP version
 * it chose with HELLO, its name, its last command, and whether it asked to be closed. Services
 * extend it with their own state (the server's tracking mode, the proxy's source marking).
 */
public class Client {

    private final long id;
    private final String address;
    private final Instant connectedAt;
    private volatile int protocol = 2;
    private volatile String name = "";
    private volatile boolean closeRequested;
    private volatile String lastCommand = "NULL";

    protected Client(long id, String address) {
        this.id = id;
        this.address = address;
        this.connectedAt = Instant.now();
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

    public boolean closeRequested() {
        return closeRequested;
    }

    /** The last command the client sent, as CLIENT LIST shows it ({@code NULL} before the first). */
    public String lastCommand() {
        return lastCommand;
    }

    public void lastCommand(String lastCommand) {
        this.lastCommand = lastCommand;
    }

    /** The connection closes once the current reply is written (QUIT). */
    public void requestClose() {
        this.closeRequested = true;
    }
}
