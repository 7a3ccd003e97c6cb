package kv.proxy.coherence;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespOutput;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.proxy.backend.Backend;
import kv.proxy.cache.CoherentCache;
import kv.proxy.config.ProxyProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's subscription to one backend's invalidations: a dedicated RESP3 connection on which
 * it sends {@code HELLO 3} and {@code CLIENT TRACKING ON BCAST}, then reads {@code invalidate}
 * push frames forever and withdraws those keys from the {@link CoherentCache}.
 *
 * <p>Design note: BCAST (rather than the default mode, which tracks only keys read on the same
 * connection) is what lets the proxy read through its pooled data connections and still hear
 * about every write to every key, whichever client made it. The connection is also the backend's
 * health probe: it is pinged every heartbeat and declared broken after three silent intervals.
 * When it breaks, withdrawals may have been lost, so the backend's entries are dropped and
 * nothing of it is cached until a new subscription is in place; reconnection backs off up to
 * {@code kv.proxy.timeouts.reconnect-max}. A backend that answers but refuses tracking (an old
 * server) is served uncached.
 *
 * <p>For a replicated group the stream is on the group's leader, and the heartbeat is
 * {@code ROLE} rather than {@code PING}: its answer tells the group's followers' lag, and a
 * leader that has become a follower breaks the stream (its entries are dropped, the group looks
 * for its leader, and the listener subscribes on the new one before anything is cached again).
 */
public final class InvalidationListener implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(InvalidationListener.class);
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final Request PING = Request.of("PING");
    private static final Request ROLE = Request.of("ROLE");

    private final Backend backend;
    private final CoherentCache cache;
    private final ProxyProperties.Timeouts timeouts;
    private final RespDecoder decoder = new RespDecoder();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile Socket socket;
    /** The member of the backend's group the stream is on (for a single server, that server). */
    private volatile kv.proxy.backend.GroupMember member;
    private volatile RespOutput output;
    private volatile boolean running = true;
    private volatile boolean tracking;
    private volatile long invalidationsReceived;
    /** The pool thread running this listener, once it runs. */
    private volatile Thread thread;

    public InvalidationListener(Backend backend, CoherentCache cache, ProxyProperties.Timeouts timeouts) {
        this.backend = backend;
        this.cache = cache;
        this.timeouts = timeouts;
    }

    public Backend backend() {
        return backend;
    }

    /** True while a tracking subscription is in place. */
    public boolean isTracking() {
        return tracking;
    }

    public long invalidationsReceived() {
        return invalidationsReceived;
    }

    /** Runs this listener on a thread of {@code executor}, which it keeps until {@link #stop}. */
    void start(Executor executor) {
        executor.execute(this);
    }

    void stop() {
        running = false;
        closeSocket();
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Drops the connection so that it is re-established and re-verified (after a failed request). */
    public void reconnect() {
        closeSocket();
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        long backoff = FIRST_BACKOFF_MILLIS;
        boolean wasDown = false;
        while (running) {
            boolean connected = false;
            try (Socket s = backend.openSocket((int) timeouts.connect().toMillis(),
                    (int) timeouts.heartbeat().toMillis() * 3, opened -> member = opened)) { // TLS, AUTH as configured
                connected = true;
                RespInput in = new RespInput(s.getInputStream(), 8 * 1024);
                RespOutput out = new RespOutput(s.getOutputStream(), 1024);
                subscribe(in, out);
                socket = s;
                output = out;
                if (backend.replicated() && backend.leader() != member) {
                    throw new IOException("the leader of " + backend.name() + " changed while subscribing");
                }
                backend.markUp();
                if (wasDown) {
                    log.info("Backend " + backend.name() + " is back" + (tracking ? "; invalidations subscribed" : ""));
                    wasDown = false;
                }
                backoff = FIRST_BACKOFF_MILLIS;
                listen(in);
            }
            catch (IOException | RuntimeException e) {
                if (!running) {
                    break;
                }
                boolean wasTracking = tracking;
                tracking = false;
                output = null;
                socket = null;
                cache.lost(backend);
                backend.suspect(member); // a group looks for its leader again (nothing for a single server)
                if (!connected) {
                    if (backend.isUp() || !wasDown) {
                        log.warn("Backend " + backend.name() + " unavailable: " + e);
                    }
                    if (!backend.replicated()) { // a group is DOWN when a search finds no leader
                        backend.markDown(e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                    wasDown = true;
                }
                else if (wasTracking) {
                    log.warn("Invalidation stream from " + backend.name() + " broke (" + e
                            + "); its cached keys are dropped until it is subscribed again");
                }
            }
            if (!running) {
                break;
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, Math.max(FIRST_BACKOFF_MILLIS, timeouts.reconnectMax().toMillis()));
        }
    }

    /** HELLO 3 and CLIENT TRACKING ON BCAST; leaves {@link #tracking} true if the backend agreed. */
    private void subscribe(RespInput in, RespOutput out) throws IOException {
        learnDatabases(exchange(in, out, Request.of("CONFIG", "GET", "databases")));
        RespValue hello = exchange(in, out, Request.of("HELLO", "3"));
        if (hello instanceof RespValue.Error error) {
            logOnce("does not speak RESP3 (" + error.message() + ")");
            return;
        }
        RespValue on = exchange(in, out, Request.of("CLIENT", "TRACKING", "ON", "BCAST"));
        if (on instanceof RespValue.Error error) {
            logOnce("refused CLIENT TRACKING (" + error.message() + ")");
            return;
        }
        // Generation first, then tracking: a GET sent from here on is covered by this stream.
        cache.subscribed(backend);
        tracking = true;
    }

    /**
     * How many databases the backend has, for the proxy's SELECT: Redis and kv-server answer
     * {@code CONFIG GET databases}; a backend that refuses it is taken to have Redis's default.
     */
    private void learnDatabases(RespValue reply) {
        List<RespValue> flat = reply instanceof RespValue.Map map ? map.keysAndValues()
                : reply instanceof RespValue.Array array ? array.elements() : List.of();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            if (flat.get(i) instanceof RespValue.BulkString name && "databases".equalsIgnoreCase(name.asString())
                    && flat.get(i + 1) instanceof RespValue.BulkString value) {
                try {
                    backend.databases(Math.max(1, Integer.parseInt(value.asString())));
                }
                catch (NumberFormatException e) {
                    log.warn("Backend " + backend.name() + " answered databases " + value.asString());
                }
            }
        }
    }

    private boolean refusalLogged;

    private void logOnce(String why) {
        if (!refusalLogged) {
            log.warn("Backend " + backend.name() + " " + why + ": its keys are served without caching");
            refusalLogged = true;
        }
    }

    private RespValue exchange(RespInput in, RespOutput out, Request request) throws IOException {
        RespEncoder.write(request, out);
        out.flush();
        while (true) {
            RespValue reply = read(in);
            if (!(reply instanceof RespValue.Push)) {
                return reply;
            }
            onPush((RespValue.Push) reply);
        }
    }

    private void listen(RespInput in) throws IOException {
        while (running) {
            RespValue value = read(in);
            if (value instanceof RespValue.Push push) {
                onPush(push);
            }
            else if (backend.replicated()) {
                heardRole(value);
            }
            // Anything else answers a heartbeat PING: the stream is alive, which the read proved.
        }
    }

    /** A group's heartbeat answer: the leader's ROLE, or a deposed leader's (which ends the stream). */
    private void heardRole(RespValue value) throws IOException {
        kv.proxy.backend.RoleReply role = kv.proxy.backend.RoleReply.parse(value);
        if (role == null) {
            return;
        }
        if (!role.leader()) {
            throw new IOException(member + " is no longer the leader of " + backend.name()
                    + (role.leaderName() == null ? "" : " (it follows " + role.leaderName() + ")"));
        }
        backend.leaderReported(member, role);
    }

    private RespValue read(RespInput in) throws IOException {
        RespValue value = decoder.readValue(in);
        if (value == null) {
            throw new IOException("connection closed by the backend");
        }
        return value;
    }

    private void onPush(RespValue.Push push) {
        List<RespValue> elements = push.elements();
        if (elements.size() < 2 || !(elements.get(0) instanceof RespValue.BulkString kind)
                || !"invalidate".equalsIgnoreCase(kind.asString())) {
            return;
        }
        invalidationsReceived++;
        RespValue keys = elements.get(1);
        if (keys instanceof RespValue.Array array) {
            List<byte[]> withdrawn = new ArrayList<>(array.elements().size());
            for (RespValue key : array.elements()) {
                if (key instanceof RespValue.BulkString bulk) {
                    withdrawn.add(bulk.bytes());
                }
                else if (key instanceof RespValue.SimpleString simple) {
                    withdrawn.add(simple.value().getBytes(StandardCharsets.UTF_8));
                }
            }
            cache.invalidated(backend, withdrawn);
        }
        else {
            // A null key list: the backend dropped every key (FLUSHDB, FLUSHALL).
            cache.invalidatedAll(backend);
        }
    }

    /** Sends a PING on the subscription connection; called by the heartbeat timer. */
    void heartbeat() {
        backend.probeMembers(); // a group's members' health (nothing for a single server)
        RespOutput out = output;
        if (out == null) {
            return;
        }
        if (!writeLock.tryLock()) {
            return;
        }
        try {
            RespEncoder.write(backend.replicated() ? ROLE : PING, out);
            out.flush();
        }
        catch (IOException e) {
            closeSocket();
        }
        finally {
            writeLock.unlock();
        }
    }

    private void closeSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            }
            catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
