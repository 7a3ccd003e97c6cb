package kv.protocol.ops;

import java.util.Locale;

import kv.protocol.command.CommandFlag;
import kv.protocol.command.CommandSpec;
import kv.protocol.endpoint.Client;
import kv.protocol.resp.Request;

/**
 * What watches every command a service runs: the {@link Monitors}, the {@link SlowLog} and the
 * {@link LatencyMonitor}. A service's dispatcher calls {@link #ran} once per command it ran
 * (not for one refused before running: unknown, wrong arity, NOAUTH, queued in MULTI), as Redis's
 * {@code call()} feeds them; a command flagged {@code skip_monitor} (EVAL) is shown by
 * {@link #starting} instead, before it runs, so that its script's {@code redis.call} lines follow
 * it as in Redis.
 */
public final class CommandObservers {

    /** Where a script's commands come from, as Redis's MONITOR shows it. */
    public static final String SCRIPT_SOURCE = "lua";

    private final Monitors monitors;
    private final SlowLog slowLog;
    private final LatencyMonitor latency;

    public CommandObservers(Monitors monitors, SlowLog slowLog, LatencyMonitor latency) {
        this.monitors = monitors;
        this.slowLog = slowLog;
        this.latency = latency;
    }

    /** Redis's defaults: no monitor, slowlog 10000 µs and 128 entries, latency monitor off. */
    public CommandObservers() {
        this(new Monitors(), new SlowLog(), new LatencyMonitor());
    }

    public Monitors monitors() {
        return monitors;
    }

    public SlowLog slowLog() {
        return slowLog;
    }

    public LatencyMonitor latency() {
        return latency;
    }

    /**
     * The spec that decides a request's flags: its subcommand's for a container (CONFIG SET is
     * admin, CONFIG is not), else its own.
     */
    public static CommandSpec effective(CommandSpec spec, Request request) {
        if (spec.subcommands().isEmpty() || request.size() < 2) {
            return spec;
        }
        CommandSpec sub = spec.subcommands().get(request.argString(1).toLowerCase(Locale.ROOT));
        return sub == null ? spec : sub;
    }

    /** Before a command runs: shows a {@code skip_monitor} command (a script) ahead of what it runs. */
    public void starting(CommandSpec effective, Request request, Client client, int db) {
        if (effective.is(CommandFlag.SKIP_MONITOR)) {
            show(effective, request, client.address(), db);
        }
    }

    /**
     * After a command ran for {@code client} ({@code null}: a script's {@code redis.call}), in
     * database {@code db}, for {@code nanos}: the monitors, the slow log, the latency monitor.
     */
    public void ran(CommandSpec effective, Request request, Client client, int db, long nanos) {
        if (!effective.is(CommandFlag.SKIP_MONITOR)) {
            show(effective, request, client == null ? SCRIPT_SOURCE : client.address(), db);
        }
        timed(effective, request, client, nanos);
    }

    /** Shows {@code request} from {@code source} to the monitors, unless it is administrative. */
    public void show(CommandSpec effective, Request request, String source, int db) {
        if (monitors.active() && Monitors.shown(effective)) {
            monitors.feed(db, source, request);
        }
    }

    /**
     * True if a command of {@code nanos} is for the slow log or the latency monitor: a caller that
     * must look its command's spec up first asks this before (two volatile reads).
     */
    public boolean noteworthy(long nanos) {
        long micros = nanos / 1000;
        return slowLog.logs(micros) || latency.records(micros / 1000);
    }

    /** The slow log and the latency monitor: {@code request} took {@code nanos} ({@code client} null: a script's). */
    public void timed(CommandSpec effective, Request request, Client client, long nanos) {
        long micros = nanos / 1000;
        if (!effective.is(CommandFlag.SKIP_SLOWLOG) && slowLog.logs(micros)) {
            // A script's commands: Redis logs its fake client, "?:0" without a name.
            slowLog.record(request, micros, client == null ? "?:0" : client.address(), client == null ? "" : client.name());
        }
        latency.record(effective.is(CommandFlag.FAST) ? "fast-command" : "command", micros / 1000);
    }
}
