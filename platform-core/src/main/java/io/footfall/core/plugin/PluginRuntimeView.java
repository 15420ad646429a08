package io.footfall.core.plugin;

import io.footfall.api.plugin.PluginDescriptor;
import java.util.Map;

/** A read-only view of a loaded plugin, for the admin API. */
public final class PluginRuntimeView {

    private final PluginRuntime runtime;

    PluginRuntimeView(PluginRuntime runtime) {
        this.runtime = runtime;
    }

    public String id() {
        return runtime.id;
    }

    public PluginDescriptor descriptor() {
        return runtime.descriptor;
    }

    /** STOPPED, RUNNING, DISABLED, FAILED or QUARANTINED. */
    public String state() {
        return runtime.state().name();
    }

    /** Why the plugin is FAILED or QUARANTINED, or null. */
    public String stateReason() {
        return runtime.stateReason();
    }

    /** Threads of the plugin that ran over a limit, could not be stopped and still run (as daemons). */
    public int abandonedThreads() {
        return runtime.abandonedThreads();
    }

    /** Latest estimate of the heap the plugin retains, in bytes; -1 before the first check. */
    public long retainedBytes() {
        return runtime.retainedBytes();
    }

    public String directory() {
        return runtime.directory;
    }

    public String lastError() {
        return runtime.lastError();
    }

    public long processedEvents() {
        return runtime.processedEvents();
    }

    public long failedBatches() {
        return runtime.failedBatches();
    }

    /** The applied configuration values, or empty when the plugin never opened. */
    public Map<String, Object> config() {
        return runtime.config() == null ? Map.of() : runtime.config().asMap();
    }

    /**
     * Lowest position over the processor's segments, -1 before the first event or when stopped. When another
     * instance holds segments, the lowest position stored in the token store.
     */
    public long position() {
        var processor = runtime.processor();
        if (processor == null) {
            return -1;
        }
        // segments held elsewhere (all of them, or some of a plugin folded by person): the stored tokens say
        if ((!holdsSegments() || runtime.segments > 1) && "RUNNING".equals(state())) {
            return io.footfall.core.store.TokenPositions.read(runtime.host().dataSource(), runtime.host().eventLog().serializer(),
                    PluginRuntime.processorName(id())).position();
        }
        return io.footfall.core.store.ProcessedPosition.lowest(processor);
    }

    /** Segments the plugin's events are folded on (more than one only for a plugin folded by person). */
    public int segments() {
        return runtime.segments;
    }

    /** Whether this instance holds (folds) a segment of the plugin's processor. */
    public boolean holdsSegments() {
        return runtime.folding();
    }

    /** Whether the processor is replaying: a segment has not reached where the log stood when the replay began. */
    public boolean replaying() {
        var processor = runtime.processor();
        return processor != null && processor.processingStatus().values().stream()
                .anyMatch(s -> io.footfall.core.store.TokenPositions.replaying(s.getTrackingToken()));
    }
}
