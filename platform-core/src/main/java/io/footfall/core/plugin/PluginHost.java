package io.footfall.core.plugin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.config.InvalidConfigException;
import io.footfall.api.config.PluginConfig;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.SpiVersion;
import io.footfall.core.config.SafeErrors;
import io.footfall.core.profile.ProfileQueries;
import io.footfall.core.store.EventJson;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.EventLogReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Finds, loads and runs mining plugins. Each subdirectory of a plugins directory is one plugin: its
 * jars are loaded in a child-first class loader sharing only {@code io.footfall.api} with the
 * platform, the plugin is found through {@link ServiceLoader}, checked against the SPI version, given
 * its stored (or default) configuration and started on a streaming processor of its own. Built-in
 * plugins are loaded the same way from the application's own plugins directory.
 */
@ApplicationScoped
public class PluginHost implements PluginHostServices {

    private static final Logger LOG = Logger.getLogger(PluginHost.class);
    private static final TypeReference<Map<String, String>> CONFIG = new TypeReference<>() {
    };

    @Inject
    DataSource dataSource;
    @Inject
    EventLog eventLog;
    @Inject
    EventLogReader reader;
    @Inject
    io.footfall.core.privacy.ErasedSubjects erasedSubjects;
    @Inject
    ProfileQueries profiles;
    @Inject
    DeadLetters deadLetters;
    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "footfall.plugins.path", defaultValue = "footfall-data/plugins")
    List<String> paths;
    @ConfigProperty(name = "footfall.plugins.builtin")
    Optional<String> builtin;
    @ConfigProperty(name = "footfall.plugins.call-timeout", defaultValue = "PT30S")
    Duration callTimeout;
    @ConfigProperty(name = "footfall.plugins.training-timeout", defaultValue = "PT2H")
    Duration trainingTimeout;
    @ConfigProperty(name = "footfall.plugins.allocation-budget-mb", defaultValue = "512")
    long allocationBudgetMb;
    @ConfigProperty(name = "footfall.plugins.batch-size", defaultValue = "200")
    int batchSize;
    @ConfigProperty(name = "footfall.plugins.retained-budget-mb", defaultValue = "256")
    long retainedBudgetMb;
    @ConfigProperty(name = "footfall.plugins.retained-check", defaultValue = "PT1M")
    Duration retainedCheck;
    @ConfigProperty(name = "footfall.plugins.stop-threads", defaultValue = "true")
    boolean stopThreads;

    private final ObjectMapper json = EventJson.create();
    private final Map<String, PluginRuntime> plugins = new ConcurrentHashMap<>();
    private final Map<String, String> refused = new ConcurrentHashMap<>();
    private final Map<String, String> loadedDirectories = new ConcurrentHashMap<>();

    /**
     * A plugin directory that could not be loaded.
     *
     * @param directory the directory
     * @param reason    why
     */
    public record Refusal(String directory, String reason) {
    }

    /** A quarantined plugin cannot be enabled yet: threads it left behind (abandoned) still run. */
    public static final class AbandonedThreadsException extends RuntimeException {
        AbandonedThreadsException(String message) {
            super(message);
        }
    }

    @Inject
    io.footfall.core.config.InstanceRoles roles;

    void start(@Observes @Priority(30) StartupEvent startup) {
        reload();
    }

    void stop(@Observes @Priority(2) ShutdownEvent shutdown) {
        plugins.values().forEach(PluginRuntime::unload);
        plugins.clear();
    }

    /** Loads plugin directories not loaded yet (new jars dropped into the plugins path); returns the newly started ids. */
    public synchronized List<String> reload() {
        List<String> started = new ArrayList<>();
        for (Path dir : pluginDirectories()) {
            String key = dir.toAbsolutePath().normalize().toString();
            if (loadedDirectories.containsKey(key) || refused.containsKey(key)) {
                continue;
            }
            load(dir, key).ifPresent(started::add);
        }
        return started;
    }

    private Optional<String> load(Path dir, String key) {
        URL[] jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().map(PluginHost::url).toArray(URL[]::new);
        } catch (IOException e) {
            return refuse(key, "cannot list the directory: " + e.getMessage());
        }
        if (jars.length == 0) {
            return refuse(key, "no jar in the directory");
        }
        PluginClassLoader loader = new PluginClassLoader(dir.getFileName().toString(), jars, MiningPlugin.class.getClassLoader());
        List<MiningPlugin> found = new ArrayList<>();
        try {
            ServiceLoader.load(MiningPlugin.class, loader).forEach(found::add);
        } catch (java.util.ServiceConfigurationError | LinkageError e) {
            closeQuietly(loader);
            return refuse(key, "cannot instantiate the plugin: " + e.getMessage());
        }
        if (found.size() != 1) {
            closeQuietly(loader);
            return refuse(key, found.isEmpty() ? "no io.footfall.api.plugin.MiningPlugin service in its jars"
                    : "more than one plugin in one directory");
        }
        MiningPlugin plugin = found.get(0);
        PluginDescriptor descriptor;
        try {
            descriptor = plugin.descriptor();
        } catch (RuntimeException | LinkageError e) {
            closeQuietly(loader);
            return refuse(key, "descriptor() failed: " + e);
        }
        if (!SpiVersion.isCompatible(descriptor.spiVersion())) {
            closeQuietly(loader);
            return refuse(key, "plugin " + descriptor.id() + " " + descriptor.version() + " was built for SPI " + descriptor.spiVersion()
                    + ", this Footfall runs SPI " + SpiVersion.CURRENT + " (same major, equal or lower minor required)");
        }
        if (plugins.containsKey(descriptor.id())) {
            closeQuietly(loader);
            return refuse(key, "a plugin with id " + descriptor.id() + " is already loaded from " + plugins.get(descriptor.id()).directory);
        }
        PluginLimits limits;
        try {
            limits = PluginLimits.forDirectory(dir, new PluginLimits(callTimeout, allocationBudget(), retainedBudget(), retainedCheck));
        } catch (IOException | IllegalArgumentException e) {
            closeQuietly(loader);
            return refuse(key, e.getMessage());
        }
        PluginRuntime runtime = new PluginRuntime(plugin, descriptor, loader, key, this, limits);
        plugins.put(descriptor.id(), runtime);
        loadedDirectories.put(key, descriptor.id());
        StoredConfig stored = storedConfig(descriptor.id());
        if (!stored.enabled()) {
            runtime.stop(PluginRuntime.State.DISABLED);
            return Optional.of(descriptor.id());
        }
        try {
            runtime.start(descriptor.config().validate(stored.values()));
            LOG.infof("plugin %s %s started from %s", descriptor.id(), descriptor.version(), dir.getFileName());
        } catch (InvalidConfigException e) {
            LOG.errorf("plugin %s has an invalid stored configuration: %s", descriptor.id(), e.getMessage());
        } catch (PluginCallGuard.PluginCallException e) {
            LOG.errorf("plugin %s failed to open: %s", descriptor.id(), e.getMessage());
        }
        return Optional.of(descriptor.id());
    }

    private Optional<String> refuse(String key, String reason) {
        refused.put(key, reason);
        LOG.warnf("plugin directory %s refused: %s", key, reason);
        return Optional.empty();
    }

    private List<Path> pluginDirectories() {
        List<String> roots = new ArrayList<>();
        builtin.ifPresent(roots::add);
        roots.addAll(paths);
        List<Path> dirs = new ArrayList<>();
        for (String root : roots) {
            Path path = Path.of(root);
            if (!Files.isDirectory(path)) {
                continue;
            }
            try (Stream<Path> children = Files.list(path)) {
                children.filter(Files::isDirectory).sorted().forEach(dirs::add);
            } catch (IOException e) {
                LOG.warnf("cannot list plugins directory %s: %s", root, e.getMessage());
            }
        }
        return dirs;
    }

    /** The ids of the loaded plugins. */
    public List<String> ids() {
        return List.copyOf(plugins.keySet());
    }

    /** Every loaded plugin, for the API. */
    public Collection<PluginRuntimeView> plugins() {
        return plugins.values().stream().map(PluginRuntimeView::new).toList();
    }

    /**
     * The processors of the plugins this instance is feeding, by processor name ({@code plugin:<id>}); empty on an
     * instance without the {@code process} role. For the processor balancer, which may hand one to another instance.
     */
    public Map<String, org.axonframework.eventhandling.StreamingEventProcessor> runningProcessors() {
        Map<String, org.axonframework.eventhandling.StreamingEventProcessor> running = new java.util.TreeMap<>();
        for (PluginRuntime runtime : plugins.values()) {
            org.axonframework.eventhandling.TrackingEventProcessor processor = runtime.processor();
            if (processor != null && processor.isRunning()) {
                running.put(processor.getName(), processor);
            }
        }
        return running;
    }

    /** One loaded plugin. */
    public Optional<PluginRuntimeView> plugin(String id) {
        return Optional.ofNullable(plugins.get(id)).map(PluginRuntimeView::new);
    }

    /** Directories that were refused, with the reason. */
    public List<Refusal> refusals() {
        return refused.entrySet().stream().map(e -> new Refusal(e.getKey(), e.getValue())).sorted(java.util.Comparator.comparing(Refusal::directory)).toList();
    }

    /** Validates, stores and applies a new configuration (the plugin is reopened with it). */
    public synchronized PluginConfig configure(String id, Map<String, String> raw) throws PluginCallGuard.PluginCallException {
        PluginRuntime runtime = runtime(id);
        PluginConfig config = runtime.descriptor.config().validate(raw);
        List<io.footfall.api.config.ConfigError> refused = runtime.validate(config);
        if (!refused.isEmpty()) {
            throw new io.footfall.api.config.InvalidConfigException(refused);
        }
        storeConfig(id, raw, runtime.state() != PluginRuntime.State.DISABLED);
        if (runtime.state() == PluginRuntime.State.QUARANTINED) {
            return config; // stored; applied when enable loads it afresh
        }
        if (runtime.state() == PluginRuntime.State.RUNNING) {
            runtime.stop(PluginRuntime.State.STOPPED);
        }
        if (runtime.state() != PluginRuntime.State.DISABLED) {
            runtime.start(config);
        }
        return config;
    }

    /**
     * The plugin's stored configuration (property → text value as last set; properties never set are absent and
     * take their default).
     *
     * @throws java.util.NoSuchElementException when no such plugin is loaded
     */
    public synchronized Map<String, String> storedValues(String id) {
        runtime(id);
        return new LinkedHashMap<>(storedConfig(id).values());
    }

    /**
     * A plugin's stored configuration and its version, read together (one snapshot).
     *
     * @param values  property → text value as last set (properties never set are absent and take their default)
     * @param version the first 16 hex digits of the SHA-256 of the values as JSON with sorted keys, so every change of
     *                any property (a rule segment created through the segments API as well as a whole-document PUT)
     *                gives a new version
     */
    public record StoredConfiguration(Map<String, String> values, String version) {
    }

    /**
     * The stored configuration with its version. Reads the database without waiting for a configuration change in
     * progress; a read-modify-write of the whole configuration should start from these values (the applied ones of
     * a plugin that is restarting or disabled may be older) and name this version.
     */
    public StoredConfiguration storedConfiguration(String id) {
        Map<String, String> values = new LinkedHashMap<>(storedConfig(id).values());
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(new java.util.TreeMap<>(values)));
            return new StoredConfiguration(java.util.Collections.unmodifiableMap(values), java.util.HexFormat.of().formatHex(hash, 0, 8));
        } catch (java.security.NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The version of the stored configuration ({@link StoredConfiguration#version()}). */
    public String configVersion(String id) {
        return storedConfiguration(id).version();
    }

    /**
     * Read-modify-write of a plugin's configuration: reads the stored values, applies {@code change} and configures
     * the plugin with the result, as {@link #configure} does. Serialised with every other configuration change of
     * this host, so two concurrent changes cannot lose one another.
     *
     * @param change gets a mutable copy of the stored values and returns the new ones (it may throw to refuse)
     */
    public synchronized PluginConfig reconfigure(String id, java.util.function.UnaryOperator<Map<String, String>> change)
            throws PluginCallGuard.PluginCallException {
        Map<String, String> next = change.apply(storedValues(id));
        return configure(id, next);
    }

    /**
     * Enables (starts) or disables (stops) a plugin; remembered across restarts. A quarantined plugin is loaded
     * afresh from its directory; refused ({@link AbandonedThreadsException}) while threads it left behind still run.
     */
    public synchronized void enable(String id, boolean enabled) throws PluginCallGuard.PluginCallException {
        PluginRuntime runtime = runtime(id);
        StoredConfig stored = storedConfig(id);
        storeConfig(id, stored.values(), enabled);
        if (runtime.state() == PluginRuntime.State.QUARANTINED) {
            int abandoned = runtime.abandonedThreads();
            if (enabled && abandoned > 0) {
                throw new AbandonedThreadsException(abandoned + " abandoned thread(s) of plugin " + id
                        + " still run; it can be enabled once they end (abandonedThreads in its status)");
            }
            if (enabled) {
                loadAfresh(runtime);
            }
            return;
        }
        if (enabled && runtime.state() != PluginRuntime.State.RUNNING) {
            runtime.start(runtime.descriptor.config().validate(stored.values()));
        } else if (!enabled && runtime.state() != PluginRuntime.State.DISABLED) {
            runtime.stop(PluginRuntime.State.DISABLED);
        }
    }

    /**
     * Brings a plugin in line with what is stored, when another instance changed it: starts or stops it as its
     * stored {@code enabled} says, and restarts it when its stored configuration differs from the one it runs with.
     * Only a running or disabled plugin is touched (a failed, stopped or quarantined one waits for an operator), and
     * nothing is stored. Serialised with every configuration change of this host, and what is stored is read under
     * the same lock, so a change this host is making cannot be undone by an older read.
     *
     * @return whether the plugin was changed
     */
    synchronized boolean follow(String id) throws PluginCallGuard.PluginCallException {
        PluginRuntime runtime = plugins.get(id);
        if (runtime == null) {
            return false;
        }
        StoredConfig stored = storedConfig(id);
        boolean enabled = stored.enabled();
        Map<String, String> values = stored.values();
        PluginRuntime.State state = runtime.state();
        if (!enabled) {
            if (state != PluginRuntime.State.RUNNING) {
                return false;
            }
            runtime.stop(PluginRuntime.State.DISABLED);
            return true;
        }
        if (state != PluginRuntime.State.RUNNING && state != PluginRuntime.State.DISABLED) {
            return false;
        }
        PluginConfig config;
        try {
            config = runtime.descriptor.config().validate(values);
        } catch (InvalidConfigException e) {
            return false; // what is stored was validated where it was stored; another plugin version may read it otherwise
        }
        if (state == PluginRuntime.State.RUNNING) {
            if (config.equals(runtime.config())) {
                return false;
            }
            runtime.stop(PluginRuntime.State.STOPPED);
        }
        runtime.start(config);
        return true;
    }

    /**
     * Replaces a quarantined plugin by a fresh load of its directory (a new class loader: nothing the old
     * instance retained survives, and a fixed jar dropped into the directory is picked up).
     */
    private void loadAfresh(PluginRuntime quarantined) {
        quarantined.unload();
        plugins.remove(quarantined.id, quarantined);
        loadedDirectories.remove(quarantined.directory);
        load(Path.of(quarantined.directory), quarantined.directory);
        LOG.infof("plugin %s loaded afresh after its quarantine", quarantined.id);
    }

    /** Replays the plugin from an instant (or the start of the log) with cleared state. */
    public void replay(String id, Instant from) throws Exception {
        runtime(id).replay(from);
    }

    /**
     * As {@link #replay(String, Instant)}, running {@code inTransaction} in the reset's transaction after the token rows
     * are locked (a replay request marks itself done there).
     */
    public void replay(String id, Instant from, Runnable inTransaction) throws Exception {
        runtime(id).replay(from, inTransaction);
    }

    /** Retries a parked dead letter; true when the plugin handled it this time. */
    public boolean retry(String id, DeadLetters.DeadLetter letter) {
        return runtime(id).retry(letter);
    }

    /** The model store of a plugin. */
    public io.footfall.api.store.ModelStore models(String id) {
        runtime(id);
        return new JdbcModelStore(id, dataSource, json);
    }

    PluginRuntime runtime(String id) {
        PluginRuntime runtime = plugins.get(id);
        if (runtime == null) {
            throw new java.util.NoSuchElementException("no plugin " + id);
        }
        return runtime;
    }

    private record StoredConfig(boolean enabled, Map<String, String> values) {
    }

    private StoredConfig storedConfig(String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT enabled, config::text FROM plugin_config WHERE plugin_id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return new StoredConfig(true, Map.of());
                }
                return new StoredConfig(rs.getBoolean(1), json.readValue(rs.getString(2), CONFIG));
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot read plugin configuration", e);
        }
    }

    private void storeConfig(String id, Map<String, String> values, boolean enabled) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO plugin_config (plugin_id, enabled, config, updated_at) VALUES (?, ?, ?::jsonb, ?) "
                        + "ON CONFLICT (plugin_id) DO UPDATE SET enabled = EXCLUDED.enabled, config = EXCLUDED.config, updated_at = EXCLUDED.updated_at")) {
            s.setString(1, id);
            s.setBoolean(2, enabled);
            s.setString(3, json.writeValueAsString(new LinkedHashMap<>(values)));
            s.setTimestamp(4, Timestamp.from(Instant.now()));
            s.executeUpdate();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot store plugin configuration", e);
        }
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(PluginClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.debugf("class loader close: %s", SafeErrors.describe(e));
        }
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public ObjectMapper json() {
        return json;
    }

    @Override
    public boolean processes() {
        return roles.process();
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public MeterRegistry metrics() {
        return metrics;
    }

    @Override
    public ProfileQueries profiles() {
        return profiles;
    }

    @Override
    public EventLog eventLog() {
        return eventLog;
    }

    @Override
    public EventLogReader reader() {
        return reader;
    }

    @Override
    public boolean erased(io.footfall.api.event.BehaviorEvent event) {
        return erasedSubjects.about(event);
    }

    @Override
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    public Duration callTimeout() {
        return callTimeout;
    }

    @Override
    public Duration trainingTimeout() {
        return trainingTimeout;
    }

    @Override
    public long allocationBudget() {
        return allocationBudgetMb * 1024 * 1024;
    }

    @Override
    public long retainedBudget() {
        return retainedBudgetMb * 1024 * 1024;
    }

    @Override
    public Duration retainedCheck() {
        return retainedCheck;
    }

    @Override
    public boolean allowThreadStop() {
        return stopThreads;
    }

    @Override
    public int segments(PluginDescriptor descriptor) {
        return descriptor.partitioning() == io.footfall.api.plugin.Partitioning.BY_PERSON ? eventLog.pluginSegments() : 1;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }
}
