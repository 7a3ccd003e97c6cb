package kv.protocol.ops;

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
     * The CONFIG SET rows of {@code observers}: {@code slowlog-log-slower-than},
     * {@code slowlog-max-len}, {@code latency-monitor-threshold}, with Redis's ranges.
     */
    public static java.util.List<kv.protocol.config.RuntimeSetting> settable(CommandObservers observers) {
        SlowLog slowLog = observers.slowLog();
        LatencyMonitor latency = observers.latency();
        return java.util.List.of(
                kv.protocol.config.RuntimeSetting.integer("slowlog-log-slower-than", -1, Long.MAX_VALUE,
                        slowLog::slowerThanMicros, slowLog::slowerThanMicros),
                kv.protocol.config.RuntimeSetting.integer("slowlog-max-len", 0, Long.MAX_VALUE, slowLog::maxLength,
                        length -> slowLog.maxLength((int) Math.min(length, Integer.MAX_VALUE))),
                kv.protocol.config.RuntimeSetting.integer("latency-monitor-threshold", 0, Long.MAX_VALUE,
                        latency::thresholdMillis, latency::thresholdMillis));
    }
}
