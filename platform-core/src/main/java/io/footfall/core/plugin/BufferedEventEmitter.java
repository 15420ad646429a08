package io.footfall.core.plugin;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.api.event.EventKind;
import io.footfall.api.plugin.DerivedEvent;
import io.footfall.api.plugin.EventEmitter;
import io.footfall.core.store.RecordedBehavior;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;

/**
 * Collects the {@link DerivedEvent}s a plugin emits while it handles a batch (or trains, {@link Lane}); the host
 * turns them into canonical {@code track} events of source {@code plugin:<id>} and appends them in the transaction
 * that moves the plugin's position, or drops them when the call failed. The event id is derived from the source and
 * the plugin's key like an ingested event's from its source and message id, so a key already in the log (a replay)
 * is not appended again.
 */
final class BufferedEventEmitter implements EventEmitter {

    /** Prefix of the source id of events a plugin derived. */
    static final String SOURCE_PREFIX = "plugin:";

    private final String source;
    private final Clock clock;
    /** Per share ({@link Lane#currentShare()}): the events it emitted. */
    private final Map<Object, List<BehaviorEvent>> pendingByShare = new java.util.HashMap<>();

    BufferedEventEmitter(String pluginId, Clock clock) {
        this.source = source(pluginId);
        this.clock = clock;
    }

    /** The source id of the events a plugin derives. */
    static String source(String pluginId) {
        return SOURCE_PREFIX + pluginId;
    }

    @Override
    public synchronized void emit(List<DerivedEvent> events) {
        List<BehaviorEvent> lane = pendingByShare.computeIfAbsent(Lane.currentShare(), l -> new ArrayList<>());
        for (DerivedEvent e : events) {
            String eventId = UUID.nameUUIDFromBytes((source + '\u0000' + e.key()).getBytes(StandardCharsets.UTF_8)).toString();
            lane.add(new BehaviorEvent(eventId, e.key(), EventKind.TRACK, e.name(), e.userId(), e.anonymousId(), null, null,
                    e.occurredAt(), clock.instant(), null, null, source, null, null, null, EventContext.empty(), e.properties(), Map.of()));
        }
    }

    /**
     * The lane's buffered events as log messages, without those whose id is already in the log or earlier in the
     * lane, and forgets them.
     */
    List<EventMessage<?>> drain(Object share, Connection c) throws SQLException {
        List<BehaviorEvent> pending;
        synchronized (this) {
            pending = pendingByShare.remove(share);
        }
        if (pending == null || pending.isEmpty()) {
            return List.of();
        }
        Map<String, BehaviorEvent> byId = new LinkedHashMap<>();
        pending.forEach(e -> byId.putIfAbsent(e.eventId(), e));
        Set<String> stored = new HashSet<>();
        try (PreparedStatement select = c.prepareStatement("SELECT eventidentifier FROM domainevententry WHERE eventidentifier = ANY (?)")) {
            select.setArray(1, c.createArrayOf("varchar", byId.keySet().toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
        }
        List<EventMessage<?>> messages = new ArrayList<>(byId.size());
        for (BehaviorEvent e : byId.values()) {
            if (!stored.contains(e.eventId())) {
                messages.add(new GenericEventMessage<>(e.eventId(), new RecordedBehavior(e, null), MetaData.emptyInstance(), e.receivedAt()));
            }
        }
        return messages;
    }

    /** Forgets the share's buffered events (its batch or training failed). */
    synchronized void discard(Object share) {
        pendingByShare.remove(share);
    }
}
