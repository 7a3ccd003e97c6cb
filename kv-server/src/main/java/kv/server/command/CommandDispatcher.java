package kv.server.command;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.dashboard.LatencyHistogram;
import kv.protocol.endpoint.AccessControl;
import kv.protocol.endpoint.ConnectionCommandGroup;
import kv.protocol.endpoint.PubSubCommandGroup;
import kv.protocol.ops.CommandObservers;
import kv.protocol.ops.Monitors;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import jakarta.annotation.PreDestroy;
import kv.protocol.tcp.DeferredReply;
import kv.protocol.tcp.MalformedRequest;
import kv.protocol.tcp.Reply;
import kv.protocol.tcp.ReplyBatch;
import kv.protocol.tcp.Response;
import kv.server.expiry.ExpiryCycle;
import kv.server.script.ScriptGate;
import kv.server.store.StoreException;
import kv.server.store.WrongTypeException;
import kv.server.session.ClientSession;
import kv.server.tracking.InvalidationHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * The one place every request passes: checks that the command exists and has a legal number of
 * arguments (from the shared {@link CommandTable}), runs its handler, counts and times it, and
 * wraps the result in a {@link Reply} for the connection's protocol version.
 */
@Component
public class CommandDispatcher {

    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);

    /**
     * The commands that run at once inside MULTI instead of being queued: Redis's
     * {@code processCommand} lets exactly these through (the others answer {@code +QUEUED}).
     */
    private static final java.util.Set<String> RUN_IN_MULTI = java.util.Set.of("exec", "discard", "multi", "watch",
            "quit", "reset");

    private final Map<String, Command> commands = new HashMap<>();
    private final Map<String, CommandStats> stats = new LinkedHashMap<>();
    private final LongAdder processed = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Every command's time, for the percentiles of the dashboard and {@code kv.commands.latency}. */
    private final LatencyHistogram latency = new LatencyHistogram();
    /** Runs the work of {@link BackgroundCommand}s, one at a time, off the event loops. */
    private final ThreadPoolTaskExecutor background;
    private final InvalidationHub invalidations;
    private final WriteBatcher batcher;
    /** Keeps other clients' commands out while a script runs (see ScriptGate). */
    private final ScriptGate gate;
    private final ExpiryCycle expiry;
    /** NOAUTH and NOPERM, before anything runs or is queued. */
    private final AccessControl access;
    /** A follower refuses writes (READONLY); reads may wait for the read barrier (cluster mode). */
    private final Replication replication;
    /** MONITOR, SLOWLOG and LATENCY: fed once per command run. */
    private final CommandObservers observers;

    private record Command(CommandSpec spec, CommandHandler<ClientSession> handler, CommandStats stats) {
    }

    public CommandDispatcher(List<CommandGroup<ClientSession>> groups, MeterRegistry meters, InvalidationHub invalidations,
                             WriteBatcher batcher, @Qualifier("kvBackground") ThreadPoolTaskExecutor background,
                             ScriptGate gate, ExpiryCycle expiry, AccessControl access, Replication replication,
                             CommandObservers observers) {
        this.replication = replication;
        this.observers = observers;
        this.expiry = expiry;
        this.access = access;
        this.background = background;
        this.gate = gate;
        this.invalidations = invalidations;
        this.batcher = batcher;
        Map<String, CommandHandler<ClientSession>> handlers = new HashMap<>();
        groups.forEach(group -> group.register(handlers));
        for (CommandSpec spec : CommandTable.all()) {
            CommandHandler<ClientSession> handler = handlers.remove(spec.name());
            if (handler == null) {
                throw new IllegalStateException("command '" + spec.name() + "' is in the table but has no handler");
            }
            CommandStats commandStats = new CommandStats(latency);
            stats.put(spec.name(), commandStats);
            // A function timer over the counters INFO reads anyway: a Timer recorded per command
            // cost a quarter of the event loop at GET pipeline 16 (its time-window maximum).
            FunctionTimer.builder("kv.commands", commandStats, CommandStats::calls, CommandStats::nanos,
                            TimeUnit.NANOSECONDS)
                    .description("Commands processed, by command")
                    .tag("command", spec.name())
                    .register(meters);
            commands.put(spec.name(), new Command(spec, handler, commandStats));
        }
        if (!handlers.isEmpty()) {
            throw new IllegalStateException("handlers for commands missing from the table: " + handlers.keySet());
        }
        meters.gauge("kv.commands.in.flight", inFlight);
    }

    /**
     * Handles one decoded request (or malformed input) from {@code session}: a {@link Reply}, or
     * for a {@link BackgroundCommand} a {@link DeferredReply} resolved when its work is done.
     */
    public Response dispatch(Object payload, ClientSession session) {
        if (payload instanceof MalformedRequest malformed) {
            protocolErrors.increment();
            log.info("Protocol error from {}: {}; closing the connection", session.address(), malformed.detail());
            return new Reply(Replies.protocolError(malformed.detail()), session.protocol(), true);
        }
        Request request = (Request) payload;
        Object value = execute(request, session);
        // Read now, not when a deferred answer comes: by then later requests may have changed them.
        int protocol = session.protocol();
        boolean close = session.closeRequested();
        if (session.withholdReply() && !close) {
            return ReplyBatch.NONE; // CLIENT REPLY OFF or SKIP
        }
        if (value instanceof DeferredValue later) {
            DeferredReply deferred = new DeferredReply();
            later.answer().thenAccept(answer -> deferred.resolve(new Reply(answer, protocol, close)));
            return deferred;
        }
        return new Reply((RespValue) value, protocol, close);
    }

    /** The answer of a {@link BackgroundCommand}, completed on the background thread. */
    private record DeferredValue(CompletableFuture<RespValue> answer) {
    }

    /** The reply's value, or a {@link DeferredValue} for a {@link BackgroundCommand}. */
    Object execute(Request request, ClientSession session) {
        processed.increment();
        String name = request.name();
        Command command = commands.get(name);
        if (command == null) {
            if (session.inMulti()) {
                session.refuseQueue();
            }
            return unknown(request);
        }
        if (!command.spec().acceptsArity(request.size())) {
            command.stats().rejected();
            if (session.inMulti()) {
                session.refuseQueue();
            }
            return Replies.wrongArity(name);
        }
        String fullName = ConnectionCommandGroup.commandName(command.spec(), request);
        session.lastCommand(fullName);
        RespValue denied = access.refusal(session, command.spec(), request, session.inMulti() ? "multi" : "toplevel");
        if (denied != null) {
            command.stats().rejected();
            return refuseAccess(name, denied, session);
        }
        RespValue refused = PubSubCommandGroup.refusal(name, fullName, session); // RESP2 subscriber mode
        if (refused == null && session.monitoring()) {
            String monitorRefusal = Monitors.refusal(session, CommandObservers.effective(command.spec(), request));
            refused = monitorRefusal == null ? null : Replies.error(monitorRefusal);
        }
        if (refused != null) {
            command.stats().rejected();
            return refused;
        }
        if (session.inMulti() && command.spec().is(CommandFlag.NO_MULTI)) { // SAVE, as Redis's processCommand
            command.stats().rejected();
            session.refuseQueue();
            return Replies.error("ERR Command not allowed inside a transaction");
        }
        RespValue replica = replicaRefusal(command.spec());
        if (replica != null) {
            command.stats().rejected();
            if (session.inMulti()) {
                session.refuseQueue();
            }
            return replica;
        }
        if (session.inMulti() && !RUN_IN_MULTI.contains(name)) {
            session.queue(request);
            return TransactionCommands.QUEUED;
        }
        if (command.spec().is(CommandFlag.READONLY) && !replication.beforeRead()) {
            command.stats().rejected();
            return Replies.error(replication.readRefusal());
        }
        if (session.tracking() != null && command.spec().is(CommandFlag.READONLY) && command.spec().hasKeys()) {
            invalidations.willRead(session, command.spec().keys(request));
        }
        if (command.spec().is(CommandFlag.ALLOW_BUSY) && "connection".equals(command.spec().group())) {
            // HELLO, AUTH, RESET, QUIT touch only the connection: Redis answers them even while
            // busy, and running them now keeps what dispatch reads of the session (QUIT's close) true.
            return invoke(command, request, session);
        }
        if (gate.tryEnter()) {
            try {
                return invoke(command, request, session);
            }
            finally {
                gate.exit();
            }
        }
        return waitForScript(command, request, session);
    }

    /**
     * A write on a follower of a Raft group: Redis's read-only replica error, before it runs or
     * is queued (as Redis's {@code processCommand} checks a replica's writes).
     */
    private RespValue replicaRefusal(CommandSpec spec) {
        return spec.is(CommandFlag.WRITE) && replication.refusesWrites()
                ? Replies.error(kv.server.store.ReadOnlyReplicaException.READONLY) : null;
    }

    /**
     * A refused command inside MULTI makes EXEC abort; a refused EXEC itself discards the
     * transaction and answers EXECABORT with the reason, as Redis's {@code rejectCommand}.
     */
    private static RespValue refuseAccess(String name, RespValue denied, ClientSession session) {
        if (session.inMulti()) {
            session.refuseQueue();
        }
        if (name.equals("exec")) {
            session.endMulti();
            return Replies.error("EXECABORT Transaction discarded because of: " + ((RespValue.Error) denied).message());
        }
        return denied;
    }

    /** A script runs: this command waits for it (answered later), or is refused with BUSY past the threshold. */
    private Object waitForScript(Command command, Request request, ClientSession session) {
        CompletableFuture<RespValue> later = new CompletableFuture<>();
        ScriptGate.Deferred deferred = new ScriptGate.Deferred() {
            @Override
            public void run() {
                completeWith(later, invoke(command, request, session));
            }

            @Override
            public void busy() {
                completeWith(later, allowedWhileBusy(command.spec(), request) ? invoke(command, request, session)
                        : busyReply(command));
            }
        };
        switch (gate.defer(deferred)) {
            case ENTERED:
                try {
                    return invoke(command, request, session);
                }
                finally {
                    gate.exit();
                }
            case DEFERRED:
                return new DeferredValue(later);
            default:
                return allowedWhileBusy(command.spec(), request) ? invoke(command, request, session) : busyReply(command);
        }
    }

    private static RespValue busyReply(Command command) {
        command.stats().rejected();
        return Replies.error(ScriptGate.BUSY);
    }

    private static void completeWith(CompletableFuture<RespValue> later, Object value) {
        if (value instanceof DeferredValue deferred) {
            deferred.answer().whenComplete((reply, failure) -> later.complete(reply));
        }
        else {
            later.complete((RespValue) value);
        }
    }

    /** Redis's {@code allow_busy} commands (SCRIPT KILL, HELLO, RESET, ...) run while a script is past its threshold. */
    private static boolean allowedWhileBusy(CommandSpec spec, Request request) {
        if (spec.is(CommandFlag.ALLOW_BUSY)) {
            return true;
        }
        if (!spec.subcommands().isEmpty() && request.size() >= 2) {
            CommandSpec sub = spec.subcommands().get(request.argString(1).toLowerCase(java.util.Locale.ROOT));
            return sub != null && sub.is(CommandFlag.ALLOW_BUSY);
        }
        return false;
    }

    /** Runs the command's handler (or starts a background command's work), counted and timed. */
    private Object invoke(Command command, Request request, ClientSession session) {
        String name = command.spec().name();
        inFlight.incrementAndGet();
        observers.starting(CommandObservers.effective(command.spec(), request), request, session, session.db());
        long start = System.nanoTime();
        RespValue reply;
        try {
            if (!session.stagedWrites().isEmpty() && !command.spec().kv().groupCommit()) {
                // Any other command sees the pipeline's writes so far (read-your-writes).
                batcher.commit(session);
            }
            if (command.spec().hasKeys()) {
                expiry.beforeAccess(); // "expired" events of keys past their time, before the command sees them
            }
            if (command.handler() instanceof BackgroundCommand background) {
                Callable<RespValue> work = background.prepare(request, session);
                inFlight.incrementAndGet(); // until the work is done
                return new DeferredValue(runInBackground(command, request, session, work, start, background.executor()));
            }
            reply = command.handler().handle(request, session);
        }
        catch (RuntimeException e) {
            reply = failure(name, e);
        }
        finally {
            inFlight.decrementAndGet();
        }
        return counted(command, request, session, start, reply);
    }

    /**
     * Runs one command inside the atomic unit open on this thread ({@link AtomicUnits}): a
     * command of EXEC's queue, or a script's {@code redis.call}. The checks, tracking and stats of
     * {@link #execute}, no queueing, no group commit (writes join the unit), and a
     * {@link BackgroundCommand}'s work on this thread; a failure is an error reply, not a throw,
     * so the unit goes on. Returns the command's reply.
     */
    public RespValue runInUnit(Request request, ClientSession session) {
        return runInUnit(request, session, "lua");
    }

    /**
     * {@link #runInUnit(Request, ClientSession)} with the user's permissions checked again, as
     * Redis checks them at EXEC ({@code aclContext} {@code multi}) and at each {@code redis.call}
     * ({@code lua}): the user may have changed since the command was queued.
     */
    public RespValue runInUnit(Request request, ClientSession session, String aclContext) {
        processed.increment();
        String name = request.name();
        Command command = commands.get(name);
        if (command == null) {
            return unknown(request);
        }
        if (!command.spec().acceptsArity(request.size())) {
            command.stats().rejected();
            return Replies.wrongArity(name);
        }
        kv.protocol.acl.Denial denial = access.denial(session, command.spec(), request);
        if (denial != null) {
            access.record(session, denial, aclContext);
            command.stats().rejected();
            return Replies.error(unitDenial(denial, aclContext));
        }
        RespValue replica = replicaRefusal(command.spec());
        if (replica != null) { // a script's redis.call of a write on a follower, as Redis answers it
            command.stats().rejected();
            return replica;
        }
        if (command.spec().is(CommandFlag.READONLY) && !replication.beforeRead()) {
            command.stats().rejected();
            return Replies.error(replication.readRefusal());
        }
        if (session.tracking() != null && command.spec().is(CommandFlag.READONLY) && command.spec().hasKeys()) {
            invalidations.willRead(session, command.spec().keys(request));
        }
        boolean script = aclContext.equals("lua"); // shown as Redis shows a script's redis.call: from "lua"
        if (!script) {
            observers.starting(CommandObservers.effective(command.spec(), request), request, session, session.db());
        }
        long start = System.nanoTime();
        RespValue reply;
        try {
            reply = command.handler().handle(request, session);
        }
        catch (RuntimeException e) {
            reply = failure(name, e);
        }
        command.stats().called(System.nanoTime() - start, reply instanceof RespValue.Error);
        observers.ran(CommandObservers.effective(command.spec(), request), request, script ? null : session, session.db(),
                System.nanoTime() - start);
        return reply;
    }

    /** Redis's texts for a command refused inside EXEC ({@code multi}) or a script ({@code lua}). */
    private static String unitDenial(kv.protocol.acl.Denial denial, String context) {
        if (context.equals("multi")) {
            return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call."
                    + " This command is no longer allowed for the following reason: " + switch (denial.reason()) {
                        case COMMAND -> "no permission to execute the command or subcommand";
                        case KEY -> "no permission to touch the specified keys";
                        case CHANNEL -> "no permission to access one of the channels used as arguments";
                        default -> "no permission";
                    };
        }
        return "ERR " + switch (denial.reason()) {
            case COMMAND -> "The user executing the script can't run this command or subcommand";
            case KEY -> "The user executing the script can't access at least one of the keys mentioned in the command";
            case CHANNEL -> "The user executing the script can't publish to the channel mentioned in the command";
            default -> "The user executing the script is lacking the permissions for the command";
        };
    }

    private CompletableFuture<RespValue> runInBackground(Command command, Request request, ClientSession session,
                                                         Callable<RespValue> work, long start, Executor executor) {
        CompletableFuture<RespValue> answer = new CompletableFuture<>();
        Runnable task = () -> {
            RespValue reply;
            try {
                reply = work.call();
            }
            catch (Exception | Error e) { // an Error too: else the client would wait for good
                reply = failure(command.spec().name(), e);
            }
            finally {
                inFlight.decrementAndGet();
            }
            answer.complete(counted(command, request, session, start, reply));
        };
        try {
            (executor != null ? executor : background).execute(task);
        }
        catch (RejectedExecutionException e) {
            task.run(); // more waiting than the queue holds, or shutting down: on this thread, as before
        }
        return answer;
    }

    private static RespValue failure(String name, Throwable e) {
        if (e instanceof kv.server.store.ReadOnlyReplicaException) { // leadership lost while the write was on its way
            return Replies.error(e.getMessage());
        }
        if (e instanceof StoreException) {
            return Replies.error("ERR " + e.getMessage());
        }
        if (e instanceof WrongTypeException) { // a command for one type on a key of another: see Entry#value
            return Replies.error(e.getMessage());
        }
        log.error("{} failed", name, e);
        return Replies.error("ERR internal error in '" + name + "': " + e);
    }

    /** Counts and times a command that ran, and shows it to the monitors, the slow log and the latency monitor. */
    private RespValue counted(Command command, Request request, ClientSession session, long start, RespValue reply) {
        long nanos = System.nanoTime() - start;
        command.stats().called(nanos, reply instanceof RespValue.Error);
        observers.ran(CommandObservers.effective(command.spec(), request), request, session, session.db(), nanos);
        return reply;
    }

    /**
     * Stops the background thread after the work it has, waiting up to 10 s: here, because the
     * store closes after this bean (it depends on the store), not necessarily after the executor.
     */
    @PreDestroy
    void stopBackgroundWork() {
        background.shutdown();
    }

    private static RespValue unknown(Request request) {
        StringBuilder message = new StringBuilder("ERR unknown command '")
                .append(request.argString(0)).append("', with args beginning with: ");
        for (int i = 1; i < request.size() && i <= 10; i++) {
            message.append('\'').append(request.argString(i)).append("' ");
        }
        return Replies.error(message.toString());
    }

    /** Commands running right now, for a graceful shutdown. */
    public int inFlight() {
        return inFlight.get();
    }

    public long processed() {
        return processed.sum();
    }

    public long protocolErrors() {
        return protocolErrors.sum();
    }

    /** The times of all commands so far (never reset: the dashboard reads differences). */
    public LatencyHistogram latency() {
        return latency;
    }

    public Map<String, CommandStats> stats() {
        return Collections.unmodifiableMap(stats);
    }

    public void resetStats() {
        stats.values().forEach(CommandStats::reset);
    }
}
