package kv.proxy.command;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.endpoint.ConnectionCommandGroup;
import kv.protocol.endpoint.PubSubCommandGroup;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;
import kv.protocol.tcp.Reply;
import kv.protocol.tcp.ReplyBatch;
import kv.protocol.tcp.Response;
import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.pubsub.PubSubHub;
import kv.proxy.session.ClientSession;
import org.springframework.stereotype.Component;

/**
 * SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB through the proxy, and
 * Redis's RESP2 subscriber mode (only the subscription commands, PING, QUIT and RESET until the
 * client has unsubscribed from everything; RESP3 clients go on as usual, messages arriving as
 * pushes). The subscriptions themselves are the {@link PubSubHub}'s.
 *
 * <p>Counts: PUBLISH goes to the backend owning the channel's name on the hash ring, and answers
 * the receivers that backend counts, with the proxy's own subscriber connection replaced by the
 * proxy's clients it reaches (a subscriber straight on another backend is not counted, as in Redis
 * Cluster). PUBSUB CHANNELS is the union of every backend's (the proxy's channels are on all of
 * them); NUMSUB adds up the backends' counts, with the proxy's connections replaced by its
 * clients; NUMPAT is the largest of the backends' (each has the proxy's patterns) with the
 * proxy's own patterns counted once.
 */
@Component
public class PubSubCommands implements CommandGroup<ClientSession> {

    private static final Set<String> SUBSCRIPTION = Set.of("subscribe", "psubscribe", "unsubscribe", "punsubscribe");

    private final Backends backends;
    private final PubSubHub hub;
    private final TransactionCommands transactions;

    public PubSubCommands(Backends backends, PubSubHub hub, TransactionCommands transactions) {
        this.backends = backends;
        this.hub = hub;
        this.transactions = transactions;
    }

    @Override
    public void register(Map<String, CommandHandler<ClientSession>> handlers) {
        for (String name : SUBSCRIPTION) {
            // The confirmations (one per name) are answered by dispatch; as a handler, the last one.
            handlers.put(name, (BackendCommandHandler) (request, session) -> {
                List<RespValue> frames = confirm(request, session);
                return frames.get(frames.size() - 1);
            });
        }
        handlers.put("publish", (BackendCommandHandler) this::publish);
        handlers.put("pubsub", (BackendCommandHandler) this::pubsub);
    }

    /**
     * The reply to {@code request} if pub/sub decides it (a subscription command, or any command
     * of a RESP2 client in subscriber mode), else null.
     */
    Response.Ready dispatch(Request request, ClientSession session) {
        CommandSpec spec = CommandTable.lookup(request.arg(0));
        if (spec == null) {
            return null;
        }
        String name = spec.name();
        if ("reset".equals(name)) {
            hub.unsubscribeAll(session); // and the usual RESET after it
            return null;
        }
        if (SUBSCRIPTION.contains(name) && spec.acceptsArity(request.size())
                && !transactions.inMulti(session)) { // inside MULTI: queued, run at EXEC (TransactionCommands)
            session.lastCommand(name);
            List<RespValue> frames = confirm(request, session);
            List<Reply> replies = new ArrayList<>(frames.size());
            for (RespValue frame : frames) {
                replies.add(new Reply(frame, session.protocol(), false));
            }
            return replies.size() == 1 ? replies.get(0) : new ReplyBatch(replies);
        }
        if (session.subscriberMode()) {
            if ("ping".equals(name) && request.size() <= 2) {
                RespValue pong = new RespValue.Push(List.of(Replies.bulk("pong"),
                        request.size() == 2 ? Replies.bulk(request.arg(1)) : Replies.bulk("")));
                return new Reply(pong, session.protocol(), false);
            }
            RespValue refusal = PubSubCommandGroup.refusal(name, ConnectionCommandGroup.commandName(spec, request), session);
            if (refusal != null) {
                return new Reply(refusal, session.protocol(), false);
            }
        }
        return null;
    }

    /** True for SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE and PUNSUBSCRIBE. */
    boolean isSubscription(Request request) {
        CommandSpec spec = CommandTable.lookup(request.arg(0));
        return spec != null && SUBSCRIPTION.contains(spec.name());
    }

    /** A subscription command run (queued in MULTI, at EXEC): its confirmations, one per name. */
    List<RespValue> confirmations(Request request, ClientSession session) {
        session.lastCommand(CommandTable.lookup(request.arg(0)).name());
        return confirm(request, session);
    }

    private List<RespValue> confirm(Request request, ClientSession session) {
        String name = request.name().toLowerCase(Locale.ROOT);
        List<byte[]> names = new ArrayList<>(request.size() - 1);
        for (int i = 1; i < request.size(); i++) {
            names.add(request.arg(i));
        }
        return switch (name) {
            case "subscribe" -> hub.subscribe(session, names, false);
            case "psubscribe" -> hub.subscribe(session, names, true);
            case "unsubscribe" -> hub.unsubscribe(session, names, false);
            default -> hub.unsubscribe(session, names, true);
        };
    }

    RespValue publish(Request request, ClientSession session) {
        byte[] channel = request.arg(1);
        Backend owner = backends.owner(channel);
        RespValue reply = owner.call(request);
        if (reply instanceof RespValue.Integer counted) {
            long others = Math.max(0, counted.value() - hub.proxyReceivers(channel));
            return Replies.integer(others + hub.localReceivers(channel));
        }
        return reply;
    }

    RespValue pubsub(Request request, ClientSession session) {
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        CommandSpec spec = CommandTable.get("pubsub").subcommands().get(sub);
        if (spec == null) {
            return "help".equals(sub) ? backends.all().get(0).call(request)
                    : Replies.error("ERR unknown subcommand '" + request.argString(1) + "'. Try PUBSUB HELP.");
        }
        if (!spec.acceptsArity(request.size())) {
            return Replies.wrongArity("pubsub|" + sub);
        }
        List<RespValue> replies = new ArrayList<>();
        for (Backend backend : backends.all()) {
            RespValue reply = backend.call(request);
            if (reply instanceof RespValue.Error) {
                return reply;
            }
            replies.add(reply);
        }
        switch (sub) {
            case "channels": {
                Set<ByteBuffer> union = new LinkedHashSet<>();
                for (RespValue reply : replies) {
                    for (RespValue channel : ((RespValue.Array) reply).elements()) {
                        union.add(ByteBuffer.wrap(((RespValue.BulkString) channel).bytes()));
                    }
                }
                List<RespValue> out = new ArrayList<>(union.size());
                union.forEach(channel -> out.add(Replies.bulk(channel.array())));
                return new RespValue.Array(out);
            }
            case "numsub": {
                List<RespValue> out = new ArrayList<>();
                for (int i = 2; i < request.size(); i++) {
                    byte[] channel = request.arg(i);
                    long sum = 0;
                    for (RespValue reply : replies) {
                        sum += ((RespValue.Integer) ((RespValue.Array) reply).elements().get(2 * (i - 2) + 1)).value();
                    }
                    if (hub.proxySubscribed(channel)) {
                        sum -= backends.all().size();
                    }
                    out.add(Replies.bulk(channel));
                    out.add(Replies.integer(Math.max(0, sum) + hub.channelSubscribers(channel)));
                }
                return new RespValue.Array(out);
            }
            default: { // numpat
                long most = 0;
                for (RespValue reply : replies) {
                    most = Math.max(most, ((RespValue.Integer) reply).value());
                }
                return Replies.integer(Math.max(most, hub.patternCount()));
            }
        }
    }
}
