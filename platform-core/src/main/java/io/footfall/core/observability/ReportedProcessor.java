package io.footfall.core.observability;

import java.util.OptionalLong;

/**
 * A processor of the log that a module outside platform-core runs on its own (not through {@link
 * io.footfall.core.store.Projection}), e.g. the Kafka relay on {@code ingest} instances. {@link ProcessingMetrics}
 * reports it like the projections: a row in {@code footfall_processor_lag_events} and {@code footfall_processor_error}
 * tagged {@code processor=}{@link #name()}, while this instance runs it.
 */
public interface ReportedProcessor {

    /** The processor's name, the {@code processor} tag. */
    String name();

    /**
     * Position up to which the processor has handled the log (-1 before the first event), or empty when this
     * instance does not run it (no row: another instance reports it).
     */
    OptionalLong reportedPosition();

    /** Whether the processor is in error (retrying). */
    boolean inError();
}
