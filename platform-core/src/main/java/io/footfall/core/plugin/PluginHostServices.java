package io.footfall.core.plugin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.core.profile.ProfileQueries;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.EventLogReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/** What a {@link PluginRuntime} needs from the platform. */
interface PluginHostServices {
    DataSource dataSource();

    /** Whether the event is about an erased person: plugins never see it, live or on replay. */
    boolean erased(io.footfall.api.event.BehaviorEvent event);

    ObjectMapper json();

    Clock clock();

    MeterRegistry metrics();

    ProfileQueries profiles();

    EventLog eventLog();

    EventLogReader reader();

    DeadLetters deadLetters();

    /** Longest a plugin may take for one batch (or open/close). */
    Duration callTimeout();

    /** Longest a training run may take. */
    Duration trainingTimeout();

    /** Most bytes a plugin may allocate in one call. */
    long allocationBudget();

    /** Most heap a plugin may retain (estimated from its instance and static fields); 0 turns the check off. */
    long retainedBudget();

    /** How often, at most, a plugin's retained heap is estimated (after a successful batch). */
    Duration retainedCheck();

    /** Whether a runaway plugin thread may be stopped with Thread.stop (where the JDK still has it). */
    boolean allowThreadStop();

    /** Segments a plugin's processor folds on: 1, or more for a plugin that may be folded by person (ADR 0021). */
    int segments(io.footfall.api.plugin.PluginDescriptor descriptor);

    /** Events per processor batch. */
    int batchSize();

    /** Whether this instance runs processors (role {@code process}); without it plugins are opened but not fed. */
    boolean processes();
}
