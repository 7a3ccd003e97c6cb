package kv.server.command;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.protocol.tcp.MalformedRequest;
import kv.protocol.tcp.Reply;
import kv.server.store.StoreException;
import kv.server.tcp.ClientSession;
import kv.server.tracking.InvalidationHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one place every request passes: checks that the command exists and has a legal number of
 * arguments (from the shared {@link CommandTable}), runs its handler, counts and times it, and
 * wraps the result in a {@link Reply} for the connection's protocol version.
 */
@Component
public class CommandDispatcher {

    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);

    private final Map<String, Command> commands = new HashMap<>();
    private final Map<String, CommandStats> stats = new LinkedHashMap<>();
    private final LongAdder processed = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final InvalidationHub invalidations;
    private final WriteBatcher batcher;

    private record Command(CommandSpec spec, CommandHandler handler, CommandStats stats) {
    }

    public CommandDispatcher(List<CommandGroup> groups, MeterRegistry meters, InvalidationHub invalidations,
                             WriteBatcher batcher) {
        this.invalidations = invalidations;
        this.batcher = batcher;
        Map<String, CommandHandler> handlers = new HashMap<>();
        groups.forEach(group -> group.register(handlers));
        for (CommandSpec spec : CommandTable.all()) {
            CommandHandler handler = handlers.remove(spec.name());
            if (handler == null) {
                throw new IllegalStateException("command '" + spec.name() + "' is in the table but has no handler");
            }
            CommandStats commandStats = new CommandStats();
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

    /** Handles one decoded request (or malformed input) from {@code session}. */
    public Reply dispatch(Object payload, ClientSession session) {
        if (payload instanceof MalformedRequest malformed) {
            protocolErrors.increment();
            log.info("Protocol error from {}: {}; closing the connection", session.address(), malformed.detail());
            return new Reply(Replies.protocolError(malformed.detail()), session.protocol(), true);
        }
        Request request = (Request) payload;
        RespValue value = execute(request, session);
        return new Reply(value, session.protocol(), session.closeRequested());
    }

    RespValue execute(Request request, ClientSession session) {
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
        session.lastCommand(name);
        if (session.tracking() != null && command.spec().is(CommandFlag.READ) && command.spec().hasKeys()) {
            invalidations.willRead(session, keysOf(command.spec(), request));
        }
        inFlight.incrementAndGet();
        long start = System.nanoTime();
        RespValue reply;
        try {
            if (!session.stagedWrites().isEmpty() && !WriteBatcher.STAGEABLE.contains(name)) {
                // Any other command sees the pipeline's writes so far (read-your-writes).
                batcher.commit(session);
            }
            reply = command.handler().handle(request, session);
        }
        catch (StoreException e) {
            reply = Replies.error("ERR " + e.getMessage());
        }
        catch (RuntimeException e) {
            log.error("{} failed", name, e);
            reply = Replies.error("ERR internal error in '" + name + "': " + e);
        }
        finally {
            inFlight.decrementAndGet();
        }
        long elapsed = System.nanoTime() - start;
        command.stats().called(elapsed, reply instanceof RespValue.Error);
        return reply;
    }

    private static List<byte[]> keysOf(CommandSpec spec, Request request) {
        List<byte[]> keys = new java.util.ArrayList<>();
        int last = spec.lastKeyIndex(request.size());
        for (int i = spec.firstKey(); i <= last && i < request.size(); i += spec.keyStep()) {
            keys.add(request.arg(i));
        }
        return keys;
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

    public Map<String, CommandStats> stats() {
        return Collections.unmodifiableMap(stats);
    }

    public void resetStats() {
        stats.values().forEach(CommandStats::reset);
    }
}
