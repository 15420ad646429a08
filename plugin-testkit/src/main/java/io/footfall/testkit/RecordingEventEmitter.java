package io.footfall.testkit;

import io.footfall.api.plugin.DerivedEvent;
import io.footfall.api.plugin.EventEmitter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link EventEmitter} that keeps what a plugin emits, as the host's log would: in order, pending between
 * {@link #begin()} and {@link #commit()} (a failed batch emits nothing), and once per {@link DerivedEvent#key()}
 * (emitting a key again, e.g. in a replay, appends nothing; {@link #duplicates()} counts those).
 *
 * @since 0.2
 */
public final class RecordingEventEmitter implements EventEmitter {

    private final Map<String, DerivedEvent> appended = new LinkedHashMap<>();
    private List<DerivedEvent> pending;
    private int duplicates;

    @Override
    public synchronized void emit(List<DerivedEvent> events) {
        Objects.requireNonNull(events, "events");
        for (DerivedEvent e : events) {
            Objects.requireNonNull(e, "event");
        }
        if (pending != null) {
            pending.addAll(events);
        } else {
            events.forEach(this::append);
        }
    }

    private void append(DerivedEvent e) {
        if (appended.putIfAbsent(e.key(), e) != null) {
            duplicates++;
        }
    }

    /** Starts collecting pending events. */
    public synchronized void begin() {
        if (pending != null) {
            throw new IllegalStateException("a transaction is already open");
        }
        pending = new ArrayList<>();
    }

    /** Appends the pending events. */
    public synchronized void commit() {
        if (pending == null) {
            throw new IllegalStateException("no open transaction");
        }
        pending.forEach(this::append);
        pending = null;
    }

    /** Drops the pending events. */
    public synchronized void rollback() {
        pending = null;
    }

    /** Every appended event, in order, once per key. */
    public synchronized List<DerivedEvent> all() {
        return List.copyOf(appended.values());
    }

    /** Appended events of this user (user id or anonymous id), in order. */
    public synchronized List<DerivedEvent> of(String id) {
        return appended.values().stream().filter(e -> id.equals(e.userId()) || id.equals(e.anonymousId())).toList();
    }

    /** Events emitted again with a key already appended (and so not appended). */
    public synchronized int duplicates() {
        return duplicates;
    }
}
