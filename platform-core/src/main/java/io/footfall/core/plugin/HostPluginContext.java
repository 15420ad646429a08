package io.footfall.core.plugin;

import io.footfall.api.config.PluginConfig;
import io.footfall.api.plugin.PluginContext;
import io.footfall.api.plugin.PluginLogger;
import io.footfall.api.plugin.PluginMetrics;
import io.footfall.api.plugin.ProfileReader;
import io.footfall.api.plugin.ResultPublisher;
import io.footfall.api.store.ModelStore;
import io.footfall.api.store.StateStore;
import java.time.Clock;

/** The context the host gives one plugin. */
record HostPluginContext(PluginConfig config, Clock clock, PluginLogger log, PluginMetrics metrics, StateStore state,
                         ModelStore models, ProfileReader profiles, ResultPublisher results,
                         io.footfall.api.plugin.EventEmitter events, io.footfall.api.plugin.Timers timers,
                         Runnable soleRequest) implements PluginContext {

    @Override
    public boolean soleBatch() {
        return Lane.currentShare() instanceof Lane.Batch batch && batch.sole;
    }

    @Override
    public void requestSoleBatch() {
        soleRequest.run();
    }
}
