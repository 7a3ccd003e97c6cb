package kv.protocol.dashboard;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The live dashboard of a kv service, on its HTTP (Actuator) port: the page at {@code /}
 * ({@code static/index.html} of this module), the JSON it polls at {@code /dashboard/snapshot},
 * and a sampler that reads the service's {@link DashboardSource} once a second. Each service
 * imports it and provides the source. Who may see it: {@code ActuatorSecurityConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Import(DashboardController.class)
public class DashboardConfiguration {

    /** How often the source is read: the page's figures are per second and it polls once a second. */
    static final long INTERVAL_MILLIS = 1000;

    @Bean
    DashboardSampler dashboardSampler(DashboardSource source) {
        return new DashboardSampler(source, ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    @Bean
    SmartLifecycle dashboardTicker(DashboardSampler sampler) {
        return new Ticker(sampler);
    }

    /**
     * {@code kv.commands.latency{quantile=0.5|0.99}}, in seconds: the percentiles of the commands
     * run in the sampler's last second, for Prometheus (only on a service that times commands).
     */
    @Bean
    MeterBinder commandLatencyMeters(DashboardSampler sampler, DashboardSource source) {
        return registry -> {
            if (!source.timesCommands()) {
                return;
            }
            for (double quantile : new double[] {0.5, 0.99}) {
                Gauge.builder("kv.commands.latency", sampler, s -> seconds(s.latest().latency(), quantile))
                        .tag("quantile", Double.toString(quantile)).baseUnit("seconds")
                        .description("Percentile of the time commands took in the last second").register(registry);
            }
        };
    }

    private static double seconds(DashboardSnapshot.Latency latency, double quantile) {
        Double millis = quantile == 0.5 ? latency.p50Ms() : latency.p99Ms();
        return millis == null ? 0 : millis / 1000;
    }

    /** Samples once a second on a daemon thread of its own, from start-up to shutdown. */
    private static final class Ticker implements SmartLifecycle {

        private final DashboardSampler sampler;
        private ScheduledExecutorService timer;

        Ticker(DashboardSampler sampler) {
            this.sampler = sampler;
        }

        @Override
        public synchronized void start() {
            timer = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "kv-dashboard");
                thread.setDaemon(true);
                return thread;
            });
            timer.scheduleAtFixedRate(this::sample, 0, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            try {
                sampler.sample(System.nanoTime(), System.currentTimeMillis());
            }
            catch (RuntimeException e) {
                // A reading that failed (a store closing at shutdown) is skipped; the next one may work.
                org.slf4j.LoggerFactory.getLogger(DashboardConfiguration.class).debug("Dashboard sample failed", e);
            }
        }

        @Override
        public synchronized void stop() {
            if (timer != null) {
                timer.shutdownNow();
                timer = null;
            }
        }

        @Override
        public synchronized boolean isRunning() {
            return timer != null;
        }

        @Override
        public int getPhase() {
            return Integer.MAX_VALUE - 10; // stops first, before the store it reads closes
        }
    }
}
