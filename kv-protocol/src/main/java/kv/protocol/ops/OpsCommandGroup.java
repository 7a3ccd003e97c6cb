package kv.protocol.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import kv.protocol.command.CommandGroup;
import kv.protocol.command.CommandHandler;
import kv.protocol.command.CommandSpec;
import kv.protocol.command.CommandTable;
import kv.protocol.endpoint.Client;
import kv.protocol.resp.Replies;
import kv.protocol.resp.RespValue;
import kv.protocol.resp.Request;

/**
 * The commands an operator uses to watch a service, answered alike by kv-server and kv-proxy:
 * MONITOR, SLOWLOG GET|LEN|RESET|HELP and LATENCY LATEST|HISTORY|RESET|HELP, with Redis 7.0's
 * replies and errors. The service feeds the {@link Monitors}, {@link SlowLog} and
 * {@link LatencyMonitor} from its dispatcher ({@link CommandObservers}).
 *
 * @param <C> the service's client state
 */
public class OpsCommandGroup<C extends Client> implements CommandGroup<C> {

    private final Monitors monitors;
    private final SlowLog slowLog;
    private final LatencyMonitor latency;

    public OpsCommandGroup(CommandObservers observers) {
        this.monitors = observers.monitors();
        this.slowLog = observers.slowLog();
        this.latency = observers.latency();
    }

    @Override
    public void register(Map<String, CommandHandler<C>> handlers) {
        handlers.put("monitor", this::monitor);
        handlers.put("slowlog", this::slowlog);
        handlers.put("latency", this::latency);
    }

    /** {@code MONITOR}: {@code +OK}, then a line per command; a second MONITOR is not answered, as in Redis. */
    RespValue monitor(Request request, C client) {
        if (client.monitoring()) {
            return NO_REPLY;
        }
        monitors.add(client);
        return Replies.OK;
    }

    /** Nothing at all on the wire (an empty sequence writes no bytes). */
    private static final RespValue NO_REPLY = new RespValue.Sequence(List.of());

    RespValue slowlog(Request request, C client) {
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        RespValue arity = subcommandArity(request);
        if (arity != null) {
            return arity;
        }
        switch (sub) {
            case "get": {
                if (request.size() > 3) {
                    return Replies.error("ERR unknown subcommand or wrong number of arguments for '"
                            + request.argString(1) + "'. Try SLOWLOG HELP.");
                }
                long count = 10;
                if (request.size() == 3) {
                    try {
                        count = Long.parseLong(request.argString(2));
                    }
                    catch (NumberFormatException e) {
                        count = -2;
                    }
                    if (count < -1) {
                        return Replies.error("ERR count should be greater than or equal to -1");
                    }
                }
                List<RespValue> entries = new ArrayList<>();
                for (SlowLog.Entry entry : slowLog.entries(count)) {
                    List<RespValue> args = new ArrayList<>(entry.args().size());
                    entry.args().forEach(arg -> args.add(Replies.bulk(arg)));
                    entries.add(new RespValue.Array(List.of(Replies.integer(entry.id()), Replies.integer(entry.time()),
                            Replies.integer(entry.micros()), new RespValue.Array(args), Replies.bulk(entry.address()),
                            Replies.bulk(entry.name()))));
                }
                return new RespValue.Array(entries);
            }
            case "len":
                return Replies.integer(slowLog.length());
            case "reset":
                slowLog.reset();
                return Replies.OK;
            case "help":
                return Replies.help("SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "GET [<count>]",
                        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                        "    Entries are made of:",
                        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                        "    client name",
                        "LEN",
                        "    Return the length of the slowlog.",
                        "RESET",
                        "    Reset the slowlog.",
                        "HELP",
                        "    Prints this help.");
            default:
                return unknownSubcommand(request, "SLOWLOG");
        }
    }

    /**
     * {@code LATENCY LATEST|HISTORY event|RESET [event ...]|HELP}. Not in kv: DOCTOR, GRAPH and
     * HISTOGRAM (unknown subcommands here).
     */
    RespValue latency(Request request, C client) {
        String sub = request.argString(1).toLowerCase(Locale.ROOT);
        RespValue arity = subcommandArity(request);
        if (arity != null) {
            return arity;
        }
        switch (sub) {
            case "latest": {
                List<RespValue> rows = new ArrayList<>();
                for (Object[] row : latency.latest()) {
                    rows.add(new RespValue.Array(List.of(Replies.bulk((String) row[0]), Replies.integer((Long) row[1]),
                            Replies.integer((Long) row[2]), Replies.integer((Long) row[3]))));
                }
                return new RespValue.Array(rows);
            }
            case "history": {
                List<RespValue> samples = new ArrayList<>();
                for (LatencyMonitor.Sample sample : latency.history(request.argString(2))) {
                    samples.add(new RespValue.Array(List.of(Replies.integer(sample.time()),
                            Replies.integer(sample.millis()))));
                }
                return new RespValue.Array(samples);
            }
            case "reset": {
                List<String> events = new ArrayList<>();
                for (int i = 2; i < request.size(); i++) {
                    events.add(request.argString(i));
                }
                return Replies.integer(latency.reset(events));
            }
            case "help":
                return Replies.help("LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "HISTORY <event>",
                        "    Return time-latency samples for the <event> class.",
                        "LATEST",
                        "    Return the latest latency samples for all events.",
                        "RESET [<event> ...]",
                        "    Reset latency data of one or more <event> classes.",
                        "    (default: reset all data for all event classes)",
                        "HELP",
                        "    Prints this help.");
            default:
                return unknownSubcommand(request, "LATENCY");
        }
    }

    /** Redis's error for a subcommand the container does not have. */
    public static RespValue unknownSubcommand(Request request, String container) {
        return Replies.error("ERR unknown subcommand '" + request.argString(1) + "'. Try " + container + " HELP.");
    }

    /**
     * Redis's arity error for a known subcommand ({@code wrong number of arguments for 'slowlog|len' command}),
     * from its spec; null if the number of arguments is legal or the subcommand unknown.
     */
    public static RespValue subcommandArity(Request request) {
        CommandSpec container = CommandTable.get(request.name());
        CommandSpec sub = container == null ? null
                : container.subcommands().get(request.argString(1).toLowerCase(Locale.ROOT));
        return sub == null || sub.acceptsArity(request.size()) ? null : Replies.wrongArity(sub.name());
    }
}
