package kv.protocol.ops;

import java.util.ArrayList;
import java.util.List;

import kv.protocol.config.RuntimeSetting;
import kv.protocol.config.RuntimeSettings;
import kv.protocol.endpoint.ClientRegistry;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;

/**
 * The slow log's and the latency monitor's settings at start, under a service's prefix
 * ({@code kv.server.slowlog-log-slower-than}, {@code kv.proxy.slowlog-max-len}, ...), named and
 * defaulted as Redis's parameters; CONFIG SET changes them at run time.
 *
 * @param slowlogLogSlowerThan    microseconds a command takes to be logged; -1 none, 0 every command
 * @param slowlogMaxLen           entries kept, the newest
 * @param latencyMonitorThreshold milliseconds a command takes to be a latency spike; 0 off
 */
public record ObserverSettings(@DefaultValue("10000") long slowlogLogSlowerThan, @DefaultValue("128") int slowlogMaxLen,
                               @DefaultValue("0") long latencyMonitorThreshold) {

    public ObserverSettings {
        if (slowlogLogSlowerThan < -1 || slowlogMaxLen < 0 || latencyMonitorThreshold < 0) {
            throw new IllegalArgumentException("slowlog-log-slower-than is at least -1, slowlog-max-len and "
                    + "latency-monitor-threshold at least 0: got " + slowlogLogSlowerThan + ", " + slowlogMaxLen + ", "
                    + latencyMonitorThreshold);
        }
    }

    /** The settings under {@code prefix} ({@code kv.server}), Redis's defaults where unset. */
    public static ObserverSettings bind(Environment environment, String prefix) {
        return Binder.get(environment).bindOrCreate(prefix, Bindable.of(ObserverSettings.class));
    }

    /** Fresh observers with these settings. */
    public CommandObservers observers() {
        LatencyMonitor latency = new LatencyMonitor();
        latency.thresholdMillis(latencyMonitorThreshold);
        return new CommandObservers(new Monitors(), new SlowLog(slowlogLogSlowerThan, slowlogMaxLen), latency);
    }

    /**
     * The CONFIG SET rows every service has, with Redis's ranges: {@code slowlog-log-slower-than},
     * {@code slowlog-max-len}, {@code latency-monitor-threshold} of {@code observers}, and
     * {@code maxclients} of {@code clients} (a lower limit leaves the clients already connected
     * as they are, as in Redis). A service adds its own rows beside them.
     */
    public static List<RuntimeSetting> settable(CommandObservers observers, ClientRegistry<?> clients) {
        SlowLog slowLog = observers.slowLog();
        LatencyMonitor latency = observers.latency();
        return List.of(
                RuntimeSetting.integer("slowlog-log-slower-than", -1, Long.MAX_VALUE, slowLog::slowerThanMicros,
                        slowLog::slowerThanMicros),
                RuntimeSetting.integer("slowlog-max-len", 0, Long.MAX_VALUE, slowLog::maxLength,
                        length -> slowLog.maxLength((int) Math.min(length, Integer.MAX_VALUE))),
                RuntimeSetting.integer("latency-monitor-threshold", 0, Long.MAX_VALUE, latency::thresholdMillis,
                        latency::thresholdMillis),
                RuntimeSetting.integer("maxclients", 1, 4294967295L, clients::maxClients,
                        max -> clients.maxClients((int) Math.min(max, Integer.MAX_VALUE))));
    }

    /** CONFIG SET's table of a service: the rows of {@link #settable} and the service's own. */
    public static RuntimeSettings runtimeSettings(CommandObservers observers, ClientRegistry<?> clients,
                                                  List<RuntimeSetting> own) {
        List<RuntimeSetting> rows = new ArrayList<>(settable(observers, clients));
        rows.addAll(own);
        return new RuntimeSettings(rows);
    }
}
