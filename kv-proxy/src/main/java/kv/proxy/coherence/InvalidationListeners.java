package kv.proxy.coherence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import kv.proxy.backend.Backend;
import kv.proxy.backend.Backends;
import kv.proxy.cache.CoherentCache;
import kv.proxy.config.ProxyProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Starts one {@link InvalidationListener} per backend, and the timer that sends their heartbeats. */
@Component
public class InvalidationListeners implements SmartLifecycle {

    private final List<InvalidationListener> listeners = new ArrayList<>();
    private final long heartbeatMillis;
    private ScheduledExecutorService timer;
    private volatile boolean running;

    public InvalidationListeners(Backends backends, CoherentCache cache, ProxyProperties properties) {
        for (Backend backend : backends.all()) {
            InvalidationListener listener = new InvalidationListener(backend, cache, properties.timeouts());
            backend.onFailure(listener::reconnect);
            listeners.add(listener);
        }
        this.heartbeatMillis = properties.timeouts().heartbeat().toMillis();
    }

    public List<InvalidationListener> all() {
        return listeners;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "kv-invalidations-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        listeners.forEach(InvalidationListener::start);
        timer.scheduleWithFixedDelay(() -> listeners.forEach(InvalidationListener::heartbeat),
                heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        listeners.forEach(InvalidationListener::stop);
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
