package kv.proxy.command;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.command.KvTraits;
import kv.protocol.endpoint.AccessControl;
import kv.protocol.endpoint.ConnectionCommandGroup;
import kv.protocol.ops.CommandObservers;
import kv.protocol.ops.Monitors;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.protocol.tcp.MalformedRequest;
import kv.protocol.tcp.Reply;
import kv.protocol.tcp.ReplyBatch;
import kv.protocol.tcp.Response;
import kv.proxy.backend.BackendUnavailableException;
import kv.proxy.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one place every client request enters: checks the command against kv's command table
 * (existence, arity), then runs the proxy's handler for it. A command the table knows but the
 * proxy does not handle is refused with a clear error, never forwarded blindly: the proxy must
 * know what a command reads and writes to keep its cache coherent.
 */
@Component
public class ProxyDispatcher {

    private static final Logger log = LoggerFactory.getLogger(ProxyDispatcher.class);

    private final Map<String, CommandHandler<ClientSession>> handlers = new HashMap<>();
    private final TransactionCommands transactions;
    private final PubSubCommands pubsub;
    /** NOAUTH and NOPERM, before the cache, a backend or a transaction sees the request. */
    private final AccessControl access;
    /** SLOWLOG and LATENCY of what the proxy answers here (forwarded runs: see PipelineForwarder). */
    private final CommandObservers observers;

    /**
     * Fails, as kv-server does, if a command of the table has neither a handler here nor the spec's
     * explicit {@code "proxy": "none"}, or if a handler is for a command the table does not have.
     */
    public ProxyDispatcher(List<CommandGroup<ClientSession>> groups, AccessControl access, CommandObservers observers) {
        this.observers = observers;
        this.access = access;
        this.transactions = groups.stream().filter(TransactionCommands.class::isInstance)
                .map(TransactionCommands.class::cast).findFirst().orElse(null);
        this.pubsub = groups.stream().filter(PubSubCommands.class::isInstance)
                .map(PubSubCommands.class::cast).findFirst().orElse(null);
        groups.forEach(group -> group.register(handlers));
        if (transactions != null) {
            transactions.runLocalCommandsWith(this::runQueued);
        }
        java.util.Set<String> unknown = new java.util.TreeSet<>(handlers.keySet());
        for (CommandSpec spec : CommandTable.all()) {
            unknown.remove(spec.name());
            boolean handled = handlers.containsKey(spec.name());
            boolean refused = spec.kv().proxy() == KvTraits.ProxyRoute.NONE;
            if (handled == refused) {
                throw new IllegalStateException("command '" + spec.name() + "' is routed '"
                        + spec.kv().proxy().name().toLowerCase(java.util.Locale.ROOT) + "' by its spec but "
                        + (handled ? "has a handler in kv-proxy" : "has no handler in kv-proxy"));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("kv-proxy handlers for commands missing from the table: " + unknown);
        }
    }

    /**
     * Pipelined requests of a client inside MULTI that can be queued on its backend with one
     * write (see {@link TransactionCommands#queueAll}): their replies, or an empty list.
     */
    List<Reply> queueAll(List<Request> requests, ClientSession session) {
        if (transactions == null || session.controlsReplies()) {
            return List.of();
        }
        if (!admits(requests, session)) {
            return List.of(); // one by one, each through the check (which flags the transaction)
        }
        List<RespValue> values = transactions.queueAll(requests, session);
        List<Reply> replies = new java.util.ArrayList<>(values.size());
        for (RespValue value : values) {
            replies.add(new Reply(value, session.protocol(), false));
        }
        if (!values.isEmpty()) {
            session.lastCommand(requests.get(values.size() - 1).name());
        }
        return replies;
    }

    /** True if the handler of {@code spec} is a {@link BackendCommandHandler}: it waits on backends. */
    public boolean waitsOnBackends(CommandSpec spec) {
        return handlers.get(spec.name()) instanceof BackendCommandHandler;
    }

    /** Names of the commands the proxy answers. */
    public java.util.Set<String> supported() {
        return java.util.Collections.unmodifiableSet(handlers.keySet());
    }

    public Response.Ready dispatch(Object payload, ClientSession session) {
        if (payload instanceof MalformedRequest malformed) {
            return new Reply(Replies.protocolError(malformed.detail()), session.protocol(), true);
        }
        RespValue refused = refusal((Request) payload, session);
        if (refused != null) {
            return new Reply(refused, session.protocol(), session.closeRequested());
        }
        if (pubsub != null) {
            Response.Ready decided = pubsub.dispatch((Request) payload, session); // several confirmations; subscriber mode
            if (decided != null) {
                return decided;
            }
        }
        long start = System.nanoTime();
        RespValue value = execute((Request) payload, session);
        timed((Request) payload, session, System.nanoTime() - start);
        boolean close = session.closeRequested();
        if (session.withholdReply() && !close) {
            return ReplyBatch.NONE; // CLIENT REPLY OFF or SKIP
        }
        return new Reply(value, session.protocol(), close);
    }

    /** The slow log and latency monitor: a command the proxy ran took {@code nanos}, backend round trips included. */
    private void timed(Request request, ClientSession session, long nanos) {
        CommandSpec spec = observers.noteworthy(nanos) ? CommandTable.get(request.name()) : null;
        if (spec != null) {
            observers.timed(CommandObservers.effective(spec, request), request, session, nanos);
        }
    }

    /**
     * A command the proxy answers itself, queued in a client's MULTI, run at its EXEC (the client
     * no longer pinned): its reply, or a subscription command's confirmations, one per name.
     */
    private List<RespValue> runQueued(Request request, ClientSession session) {
        if (pubsub != null && pubsub.isSubscription(request)) {
            return pubsub.confirmations(request, session);
        }
        return List.of(execute(request, session));
    }

    /**
     * The access check for a known command of legal arity (the others are answered as before):
     * Redis's order, the unknown-command and arity errors first.
     */
    private RespValue refusal(Request request, ClientSession session) {
        CommandSpec spec = CommandTable.get(request.name());
        if (spec == null || !spec.acceptsArity(request.size())) {
            return null;
        }
        RespValue denied = access.refusal(session, spec, request, session.pinned() ? "multi" : "toplevel");
        if (denied == null && session.monitoring()) {
            String refusal = Monitors.refusal(session, CommandObservers.effective(spec, request));
            denied = refusal == null ? null : Replies.error(refusal);
        }
        if (denied != null) {
            session.lastCommand(ConnectionCommandGroup.commandName(spec, request));
            if (transactions != null && "exec".equals(spec.name()) && denied instanceof RespValue.Error error) {
                return transactions.execRefused(error, session);
            }
            if (transactions != null) {
                transactions.refusedInMulti(session);
            }
        }
        return denied;
    }

    /**
     * True if every one of {@code requests} passes the access check: the forwarder's fast path
     * (the cache, a backend pipeline) takes only those; the others come here and are refused.
     */
    public boolean admits(List<Request> requests, ClientSession session) {
        if (session.monitoring()) {
            return false; // through the dispatcher, which refuses a monitor's keyspace commands
        }
        for (Request request : requests) {
            CommandSpec spec = CommandTable.get(request.name());
            if (spec != null && !access.allows(session, spec, request)) {
                return false;
            }
        }
        return true;
    }

    RespValue execute(Request request, ClientSession session) {
        if (session.pinned() && transactions != null) {
            // A transaction is open: queued in it, or run on its own backend connection.
            RespValue pinned = transactions.intercept(request, session);
            if (pinned != null) {
                return pinned;
            }
        }
        String name = request.name();
        CommandSpec spec = CommandTable.get(name);
        if (spec == null) {
            return Replies.error("ERR unknown command '" + request.argString(0)
                    + "': kv-proxy forwards only the commands in kv's command table");
        }
        if (!spec.acceptsArity(request.size())) {
            return Replies.wrongArity(name);
        }
        CommandHandler<ClientSession> handler = handlers.get(name);
        if (handler == null) {
            return Replies.error("ERR '" + name + "' is not supported by kv-proxy; send it to a server directly");
        }
        session.lastCommand(ConnectionCommandGroup.commandName(spec, request));
        try {
            return handler.handle(request, session);
        }
        catch (BackendUnavailableException e) {
            return Replies.error(e.getMessage());
        }
        catch (RuntimeException e) {
            log.warn("Command " + name + " from " + session.address() + " failed", e);
            return Replies.error("ERR kv-proxy: " + e.getMessage());
        }
    }
}
