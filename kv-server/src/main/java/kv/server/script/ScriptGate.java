package kv.server.script;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a script the only thing that touches the keyspace while it runs, as Redis's single
 * thread does, without stopping the event loops: they go on answering, so that other clients
 * can be told {@code -BUSY} and can send {@code SCRIPT KILL}.
 *
 * <h2>Design note</h2>
 * A script runs on the one script thread. Every command an event loop runs first
 * {@linkplain #tryEnter enters} the gate (an atomic increment, then a read of a volatile flag)
 * and {@linkplain #exit exits} it when done. A script {@linkplain #begin begins} by closing the gate
 * and then waits, briefly, until no loop is inside and no connection holds writes staged for the
 * round's group commit (they belong before the script: their round began before it); from then
 * on, until it {@linkplain #end ends}, no other client's command runs:
 * <ul>
 *   <li>before the busy threshold ({@code kv.server.busy-reply-threshold}, Redis's
 *       {@code busy-reply-threshold}, 5 s), a command that finds the gate closed is
 *       {@linkplain #defer deferred}: its connection gets its answer later (a deferred reply, so
 *       the loop serves its other clients meanwhile) and the script thread runs it right after
 *       the script, still alone; so reads see the state before the script or after it, never
 *       between, and no write lands in the middle;</li>
 *   <li>past the threshold, those waiting and every command arriving get
 *       {@code -BUSY Redis is busy running a script...}, except Redis's {@code allow_busy}
 *       commands ({@code SCRIPT KILL}, {@code HELLO}, {@code RESET}, ...), which run at once;
 *       {@code SCRIPT KILL} asks the script to stop ({@link #kill}), which it does at its next
 *       Lua instruction unless it has written ({@code -UNKILLABLE}).</li>
 * </ul>
 * The loops never wait for the script; the script waits only for commands already running.
 */
public final class ScriptGate {

    private static final Logger log = LoggerFactory.getLogger(ScriptGate.class);

    /** The reply to a command refused while a script is past the threshold. */
    public static final String BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";

    /** A command that found the gate closed. */
    public interface Deferred {
        /** Runs it now, on the script thread, with the keyspace to itself. */
        void run();

        /** The script passed the threshold: answer BUSY (or run an allow_busy command). */
        void busy();
    }

    /** A script that runs: whether it wrote, whether SCRIPT KILL asked it to stop. */
    public static final class Running {
        final long started = System.nanoTime();
        volatile boolean wrote;
        volatile boolean killed;
        volatile boolean busy;
        ScheduledFuture<?> timer;

        public void wrote() {
            wrote = true;
        }

        public boolean killed() {
            return killed;
        }
    }

    /** What {@link #kill} found. */
    public enum Kill { KILLED, NOT_BUSY, UNKILLABLE }

    private final AtomicInteger inside = new AtomicInteger();
    private volatile boolean closed;
    private final Object lock = new Object();
    /** Commands waiting for the script to end (guarded by lock). */
    private final ArrayDeque<Deferred> waiting = new ArrayDeque<>();
    private volatile Running running;
    private final long thresholdNanos;
    private final ScheduledExecutorService timer;
    private final IntSupplier stagedConnections;
    private final Executor scriptThread;

    /**
     * @param threshold how long a script runs before others get BUSY
     * @param timer runs the threshold's task
     * @param stagedConnections how many connections hold writes staged for the round's group commit
     * @param scriptThread the script thread, where deferred commands run after a script
     */
    public ScriptGate(java.time.Duration threshold, ScheduledExecutorService timer, IntSupplier stagedConnections,
                      Executor scriptThread) {
        this.thresholdNanos = threshold.toNanos();
        this.timer = timer;
        this.stagedConnections = stagedConnections;
        this.scriptThread = scriptThread;
    }

    // ---- event loops

    /** Fast path, on a loop before a command: true if it may run now (then {@link #exit} after it). */
    public boolean tryEnter() {
        inside.incrementAndGet();
        if (!closed) {
            return true;
        }
        inside.decrementAndGet();
        return false;
    }

    public void exit() {
        inside.decrementAndGet();
    }

    /** After {@link #tryEnter} said no. */
    public enum Admission { ENTERED, DEFERRED, BUSY }

    /**
     * Slow path: the gate was closed. ENTERED if it opened meanwhile (exit after the command),
     * DEFERRED if {@code deferred} waits for the script, BUSY if the script is past the threshold.
     */
    public Admission defer(Deferred deferred) {
        synchronized (lock) {
            if (!closed) {
                inside.incrementAndGet(); // closing happens under the lock: this cannot race a begin
                return Admission.ENTERED;
            }
            Running current = running;
            if (current != null && current.busy) {
                return Admission.BUSY;
            }
            waiting.add(deferred);
            return Admission.DEFERRED;
        }
    }

    /** The script running, or null. */
    public Running running() {
        return running;
    }

    /** SCRIPT KILL. */
    public Kill kill() {
        Running current = running;
        if (current == null) {
            return Kill.NOT_BUSY;
        }
        if (current.wrote) {
            return Kill.UNKILLABLE;
        }
        current.killed = true;
        return Kill.KILLED;
    }

    // ---- the script thread

    /** Closes the gate and waits until the commands already inside are done. */
    public Running begin() {
        Running script = new Running();
        synchronized (lock) {
            closed = true;
            running = script;
        }
        long waitedSince = System.nanoTime();
        boolean warned = false;
        int spins = 0;
        while (inside.get() > 0 || stagedConnections.getAsInt() > 0) {
            if (++spins < 200) {
                Thread.onSpinWait(); // a loop's command in flight is usually a matter of microseconds
                continue;
            }
            LockSupport.parkNanos(20_000);
            if (!warned && System.nanoTime() - waitedSince > TimeUnit.SECONDS.toNanos(10)) {
                warned = true;
                log.warn("A script has waited 10 s for {} commands to finish and {} connections' staged writes",
                        inside.get(), stagedConnections.getAsInt());
            }
        }
        script.timer = timer.schedule(() -> passThreshold(script), thresholdNanos, TimeUnit.NANOSECONDS);
        return script;
    }

    /** The script is done: the commands that waited for it run next, then the gate opens. */
    public void end(Running script) {
        if (script.timer != null) {
            script.timer.cancel(false);
        }
        synchronized (lock) {
            running = null;
            if (waiting.isEmpty()) {
                closed = false; // nobody waited: open now, without a drain task
                return;
            }
        }
        try {
            scriptThread.execute(this::drain);
        }
        catch (RejectedExecutionException e) {
            drain();
        }
    }

    private void drain() {
        while (true) {
            List<Deferred> batch;
            synchronized (lock) {
                if (running != null) {
                    return; // another script began before this drain ran; its own end drains
                }
                if (waiting.isEmpty()) {
                    closed = false;
                    return;
                }
                batch = new ArrayList<>(waiting);
                waiting.clear();
            }
            for (Deferred deferred : batch) {
                try {
                    deferred.run();
                }
                catch (RuntimeException | Error e) {
                    log.error("A command deferred behind a script failed", e);
                }
            }
        }
    }

    private void passThreshold(Running script) {
        List<Deferred> batch;
        synchronized (lock) {
            if (running != script) {
                return;
            }
            script.busy = true;
            batch = new ArrayList<>(waiting);
            waiting.clear();
        }
        log.warn("Slow script detected: still in execution after {} ms. Replying BUSY to other clients until it ends",
                TimeUnit.NANOSECONDS.toMillis(thresholdNanos));
        for (Deferred deferred : batch) {
            deferred.busy();
        }
    }

    /** True while a script runs or the commands that waited for one run. */
    public boolean closed() {
        return closed;
    }
}
