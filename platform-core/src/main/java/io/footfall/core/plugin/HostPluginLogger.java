package io.footfall.core.plugin;

import io.footfall.api.plugin.PluginLogger;
import org.jboss.logging.Logger;

/** A plugin's log lines, under the category {@code io.footfall.plugin.<id>}. */
final class HostPluginLogger implements PluginLogger {

    private final Logger log;

    HostPluginLogger(String pluginId) {
        this.log = Logger.getLogger("io.footfall.plugin." + pluginId);
    }

    @Override
    public void info(String format, Object... args) {
        log.infof(format, args);
    }

    @Override
    public void warn(String format, Object... args) {
        log.warnf(format, args);
    }

    @Override
    public void error(String format, Object... args) {
        log.errorf(format, args);
    }
}
