package io.footfall.core.plugin;

import io.footfall.core.config.SafeErrors;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps this instance's plugins in line with the configuration stored in {@code plugin_config}, which any instance
 * may change: an operator's config change, enable or disable reaches the instance that does the call at once and
 * every other instance within {@code footfall.plugins.config-sync} (default 5 s). Without it, a change made through
 * a {@code serve} pod left the {@code process} pod folding with the old configuration until its restart.
 */
@ApplicationScoped
public class PluginConfigFollower {

    private static final Logger LOG = Logger.getLogger(PluginConfigFollower.class);
    @Inject
    PluginHost host;
    @Inject
    PluginReloads reloads;

    @ConfigProperty(name = "footfall.plugins.config-sync", defaultValue = "PT5S")
    Duration every;

    private final AtomicLong followed = new AtomicLong();
    private ScheduledExecutorService timer;

    void start(@Observes @Priority(45) StartupEvent startup) {
        timer = Executors.newSingleThreadScheduledExecutor(io.footfall.core.store.ProcessingThreads.named("plugin-config-follower", true));
        timer.scheduleWithFixedDelay(this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes @Priority(1) ShutdownEvent shutdown) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Changes applied here because another instance stored them, since start. */
    public long followed() {
        return followed.get();
    }

    /**
     * Loads new plugin directories when another instance was asked to reload ({@link PluginReloads}), then compares every
     * loaded plugin's stored configuration with the one it runs with and applies what differs.
     */
    public void check() {
        try {
            reloads.follow().ifPresent(outcome -> LOG.infof("plugins reloaded as another instance was asked to (generation %d): started %s",
                    outcome.generation(), outcome.started()));
        } catch (RuntimeException e) {
            LOG.warnf("cannot follow the plugin reloads of other instances: %s", SafeErrors.describe(e));
        }
        for (String id : host.ids()) {
            try {
                if (host.follow(id)) {
                    followed.incrementAndGet();
                    LOG.infof("plugin %s: applied the configuration another instance stored", id);
                }
            } catch (RuntimeException | PluginCallGuard.PluginCallException e) {
                LOG.warnf("plugin %s: cannot apply its stored configuration: %s", id, SafeErrors.describe(e));
            }
        }
    }
}
