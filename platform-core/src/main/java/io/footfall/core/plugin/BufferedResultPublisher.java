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
import java.util.Map;
import java.util.Set;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;

/**
 * Collects a plugin's results while it handles a batch; the host appends them to the log in the
 * transaction that moves the plugin's position, or drops them when the batch fails. Results
 * published while training are kept apart ({@link Lane}) and committed when training ends.
 */
final class BufferedResultPublisher implements ResultPublisher {

    private final String pluginId;
    private final Set<ResultType> declared;
    private final ObjectMapper json;
    private final Clock clock;
    /** Per share ({@link Lane#currentShare()}): the results it published. */
    private final Map<Object, List<PluginResultRecorded>> pendingByShare = new java.util.HashMap<>();

    BufferedResultPublisher(String pluginId, Set<ResultType> declared, ObjectMapper json, Clock clock) {
        this.pluginId = pluginId;
        this.declared = declared;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void publish(List<? extends Result> results) {
        List<PluginResultRecorded> recorded = new ArrayList<>(results.size());
        for (Result r : results) {
            if (!declared.contains(r.type())) {
                throw new IllegalArgumentException("plugin " + pluginId + " does not declare results of type " + r.type());
            }
            try {
                recorded.add(new PluginResultRecorded(pluginId, r.type().name(), r.key(), r.userId(), json.writeValueAsString(r),
                        clock.instant()));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("result is not serialisable: " + e.getOriginalMessage(), e);
            }
        }
        Object share = Lane.currentShare();
        synchronized (this) {
            pendingByShare.computeIfAbsent(share, l -> new ArrayList<>()).addAll(recorded);
        }
    }

    /** The share's buffered results, and forgets them. */
    synchronized List<PluginResultRecorded> drain(Object share) {
        List<PluginResultRecorded> pending = pendingByShare.remove(share);
        return pending == null ? List.of() : List.copyOf(pending);
    }

    /** Results as event messages for the log. */
    static List<EventMessage<?>> messages(List<PluginResultRecorded> results) {
        List<EventMessage<?>> messages = new ArrayList<>(results.size());
        results.forEach(r -> messages.add(GenericEventMessage.asEventMessage(r)));
        return messages;
    }

    /** Forgets the share's buffered results (its batch or training failed). */
    synchronized void discard(Object share) {
        pendingByShare.remove(share);
    }
}
