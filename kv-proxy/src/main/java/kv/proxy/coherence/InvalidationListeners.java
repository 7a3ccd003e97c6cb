package kv.proxy.coherence;

import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;

import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.cache.CoherentCache;
import kv.proxy.config.ProxyProperties;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/** Starts one {@link InvalidationListener} per backend, and the timer that sends their heartbeats. */
@Component
public class InvalidationListeners implements SmartLifecycle {

    private final List<InvalidationListener> listeners = new ArrayList<>();
    private final long heartbeatMillis;
    private final Executor listenerThreads;
    private final TaskScheduler timer;
    private ScheduledFuture<?> heartbeats;
    private volatile boolean running;

    public InvalidationListeners(Backends backends, CoherentCache cache, ProxyProperties properties,
                                 @Qualifier("proxyInvalidationListeners") Executor listenerThreads,
                                 @Qualifier("proxyHeartbeat") TaskScheduler timer) {
        this.listenerThreads = listenerThreads;
        this.timer = timer;
        for (Backend backend : backends.all()) {
            InvalidationListener listener = new InvalidationListener(backend, cache, properties.timeouts());
            backend.onFailure(listener::reconnect);
            // A new leader: what was cached may have been replaced through it without this stream
            // hearing; nothing is cached until the listener has subscribed on the new leader.
            backend.onLeaderChange(() -> {
                cache.lost(backend);
                listener.reconnect();
            });
            listeners.add(listener);
        }
        this.heartbeatMillis = properties.timeouts().heartbeat().toMillis();
    }

    public List<InvalidationListener> all() {
        return listeners;
    }

    @Override
    public void start() {
        listeners.forEach(listener -> listener.start(listenerThreads));
        Duration every = Duration.ofMillis(heartbeatMillis);
        heartbeats = timer.scheduleWithFixedDelay(() -> listeners.forEach(InvalidationListener::heartbeat),
                Instant.now().plus(every), every);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        listeners.forEach(InvalidationListener::stop);
        if (heartbeats != null) {
            heartbeats.cancel(true);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
