package io.footfall.core.plugin;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Makes a plugin reload reach every instance. {@code POST /api/v1/plugins/reload} on one instance bumps a generation
 * in {@code plugin_reload} and loads the new plugin directories there; every other instance sees the newer generation
 * within {@code footfall.plugins.config-sync} ({@link PluginConfigFollower}) and loads them too. Before, only the
 * instance that answered the call loaded them, so a plugin dropped into a shared plugins volume was folded only if
 * that instance happened to run the {@code process} role.
 */
@ApplicationScoped
public class PluginReloads {

    @Inject
    PluginHost host;
    @Inject
    DataSource dataSource;

    private long applied = -1;

    /**
     * A reload.
     *
     * @param generation the reload generation now applied here
     * @param started    the plugins this instance started
     */
    public record Outcome(long generation, List<String> started) {
    }

    /** After the host loaded the plugins present at start (priority 30): those are what the current generation asked for. */
    synchronized void start(@Observes @Priority(31) StartupEvent startup) {
        applied = generation();
    }

    /** Asks every instance to load plugin directories added since; loads them here at once. */
    public synchronized Outcome reloadEverywhere() {
        long generation;
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE plugin_reload SET generation = generation + 1, requested_at = now(), requested_on = ? WHERE id = 1"
                        + " RETURNING generation")) {
            s.setString(1, io.footfall.core.store.EventLog.NODE);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                generation = rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the plugin reload", e);
        }
        List<String> started = host.reload();
        applied = Math.max(applied, generation);
        return new Outcome(generation, started);
    }

    /** Loads plugin directories added since when another instance asked for a reload since the last one applied here. */
    public synchronized Optional<Outcome> follow() {
        long generation = generation();
        if (generation <= applied) {
            return Optional.empty();
        }
        List<String> started = host.reload();
        applied = generation;
        return Optional.of(new Outcome(generation, started));
    }

    private long generation() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT generation FROM plugin_reload WHERE id = 1");
                ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the plugin reload generation", e);
        }
    }
}
