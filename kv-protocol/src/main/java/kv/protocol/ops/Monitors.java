package kv.protocol.ops;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArraySet;

import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;
import kv.protocol.endpoint.Client;
import kv.protocol.resp.Request;

/**
 * The clients that sent MONITOR, and the feed of commands to them: every command a service
 * runs, as a {@link MonitorLine}, to every monitor, from whatever thread ran the command.
 *
 * <p>Design note: a monitor is fed through its connection's push queue, which never waits (see
 * {@code RespConnection#offerPush}): a monitor that does not read costs the client whose command
 * is shown only the formatting, and once its queued lines pass the pub/sub class's output
 * buffer limit it is closed, so it never grows the service's memory. With no monitor, feeding
 * costs one volatile read ({@link #active}).
 */
public final class Monitors {

    private final CopyOnWriteArraySet<Client> monitors = new CopyOnWriteArraySet<>();
    private final Clock clock;

    public Monitors() {
        this(Clock.systemUTC());
    }

    /** @param clock the time each line shows (tests pass a fixed one) */
    public Monitors(Clock clock) {
        this.clock = clock;
    }

    /** {@code MONITOR}: {@code client} is fed from now on, until RESET or it closes. */
    public void add(Client client) {
        client.monitoring(true);
        monitors.add(client);
    }

    private void remove(Client client) {
        monitors.remove(client);
    }

    /** True while any client monitors: only then is a line worth formatting. */
    public boolean active() {
        return !monitors.isEmpty();
    }

    public int count() {
        return monitors.size();
    }

    /**
     * Whether Redis shows a command in MONITOR: not an administrative one ({@code admin} flag,
     * of the subcommand where there is one: CONFIG SET, CLIENT KILL, SLOWLOG GET, MONITOR itself).
     */
    public static boolean shown(CommandSpec effective) {
        return !effective.is(CommandFlag.ADMIN);
    }

    /**
     * Sends {@code request}, run by a client at {@code source} in database {@code db}, to every
     * monitor. A monitor whose connection refuses it (closed, or past its output limit and being
     * closed) is dropped.
     */
    public void feed(int db, String source, Request request) {
        if (monitors.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        byte[] line = MonitorLine.encode(now.getEpochSecond() * 1_000_000 + now.getNano() / 1000, db, source, request);
        for (Client monitor : monitors) {
            if (!monitor.monitoring() || !monitor.push(line)) { // RESET, or closed
                remove(monitor);
            }
        }
    }

    /**
     * Redis's refusal of a command from a monitor that would touch the keyspace (a monitor is a
     * replica to Redis): the error, or null if it may run.
     */
    public static String refusal(Client client, CommandSpec spec) {
        if (client.monitoring() && (spec.is(CommandFlag.WRITE) || spec.is(CommandFlag.READONLY)
                || spec.is(CommandFlag.MAY_REPLICATE))) {
            return "ERR Replica can't interact with the keyspace";
        }
        return null;
    }
}
