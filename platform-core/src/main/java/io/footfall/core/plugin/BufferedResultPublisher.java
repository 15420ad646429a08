package io.footfall.core.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.plugin.ResultPublisher;
import io.footfall.api.result.Result;
import io.footfall.api.result.ResultType;
import io.footfall.core.store.PluginResultRecorded;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;

/**
 * Collects a plugin's results while it handles a batch; the host appends them to the log in the
 * transaction that moves the plugin's position, or drops them when the batch fails.
 */
final class BufferedResultPublisher implements ResultPublisher {

    private final String pluginId;
    private final Set<ResultType> declared;
    private final ObjectMapper json;
    private final Clock clock;
    private final List<PluginResultRecorded> pending = new ArrayList<>();

    BufferedResultPublisher(String pluginId, Set<ResultType> declared, ObjectMapper json, Clock clock) {
        this.pluginId = pluginId;
        this.declared = declared;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public synchronized void publish(List<? extends Result> results) {
        for (Result r : results) {
            if (!declared.contains(r.type())) {
                throw new IllegalArgumentException("plugin " + pluginId + " does not declare results of type " + r.type());
            }
            try {
                pending.add(new PluginResultRecorded(pluginId, r.type().name(), r.key(), r.userId(),
                        json.writeValueAsString(r), clock.instant()));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("result is not serialisable: " + e.getOriginalMessage(), e);
            }
        }
    }

    /** The buffered results, and forgets them. */
    synchronized List<PluginResultRecorded> drain() {
        List<PluginResultRecorded> drained = List.copyOf(pending);
        pending.clear();
        return drained;
    }

    /** Results as event messages for the log. */
    static List<EventMessage<?>> messages(List<PluginResultRecorded> results) {
        List<EventMessage<?>> messages = new ArrayList<>(results.size());
        results.forEach(r -> messages.add(GenericEventMessage.asEventMessage(r)));
        return messages;
    }

    /** Forgets buffered results (the batch failed). */
    synchronized void discard() {
        pending.clear();
    }
}
