package kv.protocol.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.pubsub.PubSub;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * Redis's pub/sub commands over one {@link PubSub}, for any kv service: SUBSCRIBE, UNSUBSCRIBE,
 * PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB CHANNELS|NUMSUB|NUMPAT|HELP, with Redis 7.0's
 * replies. kv-server registers it as it is; kv-proxy can register it over its own PubSub, into
 * which it relays what its backends publish.
 *
 * <p>The (un)subscribe confirmations are the command's reply, one push per name (see
 * {@link kv.protocol.pubsub.Subscriptions} for how messages keep their place after them); the
 * connection that writes them releases the messages held meanwhile. A dispatcher calls
 * {@link #refusal} before running any command, for RESP2's subscriber mode.
 *
 * @param <C> the service's client state
 */
public class PubSubCommandGroup<C extends Client> implements CommandGroup<C> {

    /** What a RESP2 client may run while subscribed, as Redis 7.0 allows (its sharded S* commands kv has not). */
    private static final Set<String> SUBSCRIBER_COMMANDS = Set.of("subscribe", "unsubscribe", "psubscribe",
            "punsubscribe", "ssubscribe", "sunsubscribe", "ping", "quit", "reset");

    private final PubSub pubSub;

    public PubSubCommandGroup(PubSub pubSub) {
        this.pubSub = pubSub;
    }

    public PubSub pubSub() {
        return pubSub;
    }

    /**
     * The error a RESP2 client in subscriber mode gets for any command but (P)SUBSCRIBE,
     * (P)UNSUBSCRIBE, PING, QUIT and RESET, or null if {@code command} may run. Redis checks it
     * after the command is found and its arity is right.
     *
     * @param command the command's name in lower case
     * @param fullName the name Redis puts in the error: {@code client|list} for a subcommand
     */
    public static RespValue refusal(String command, String fullName, Client client) {
        if (client.protocol() != 2 || !client.subscribed() || SUBSCRIBER_COMMANDS.contains(command)) {
            return null;
        }
        return Replies.error("ERR Can't execute '" + fullName + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
                + "PING / QUIT / RESET are allowed in this context");
    }

    @Override
    public void register(Map<String, CommandHandler<C>> handlers) {
        handlers.put("subscribe", (request, client) -> client.subscriptions().subscribe(pubSub, arguments(request)));
        handlers.put("psubscribe", (request, client) -> client.subscriptions().psubscribe(pubSub, arguments(request)));
        handlers.put("unsubscribe", (request, client) -> client.subscriptions().unsubscribe(arguments(request)));
        handlers.put("punsubscribe", (request, client) -> client.subscriptions().punsubscribe(arguments(request)));
        handlers.put("publish", (request, client) -> Replies.integer(pubSub.publish(request.arg(1), request.arg(2))));
        handlers.put("pubsub", this::pubsub);
    }

    private static List<byte[]> arguments(Request request) {
        List<byte[]> names = new ArrayList<>(request.size() - 1);
        for (int i = 1; i < request.size(); i++) {
            names.add(request.arg(i));
        }
        return names;
    }

    /** {@code PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT | HELP}. */
    RespValue pubsub(Request request, C client) {
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        switch (sub) {
            case "channels": {
                if (request.size() > 3) {
                    return wrongSubcommand(request);
                }
                List<RespValue> names = new ArrayList<>();
                for (byte[] name : pubSub.channels(request.size() == 3 ? request.arg(2) : null)) {
                    names.add(Replies.bulk(name));
                }
                return new RespValue.Array(names);
            }
            case "numsub": {
                List<RespValue> counts = new ArrayList<>(2 * (request.size() - 2));
                for (int i = 2; i < request.size(); i++) {
                    counts.add(Replies.bulk(request.arg(i)));
                    counts.add(Replies.integer(pubSub.subscribers(request.arg(i))));
                }
                return new RespValue.Array(counts); // a flat array in RESP3 too, as Redis 7.0 answers
            }
            case "numpat":
                if (request.size() != 2) {
                    return Replies.error("ERR wrong number of arguments for 'pubsub|numpat' command");
                }
                return Replies.integer(pubSub.patterns());
            case "help":
                if (request.size() != 2) {
                    return Replies.error("ERR wrong number of arguments for 'pubsub|help' command");
                }
                List<RespValue> lines = new ArrayList<>(HELP.size());
                HELP.forEach(line -> lines.add(new RespValue.SimpleString(line)));
                return new RespValue.Array(lines);
            default:
                return Replies.error("ERR unknown subcommand '" + request.argString(1) + "'. Try PUBSUB HELP.");
        }
    }

    private static RespValue wrongSubcommand(Request request) {
        return Replies.error("ERR unknown subcommand or wrong number of arguments for '" + request.argString(1)
                + "'. Try PUBSUB HELP.");
    }

    private static final List<String> HELP = List.of(
            "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "HELP",
            "    Prints this help.");
}
