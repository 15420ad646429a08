/**
 * The canonical behaviour events that Footfall stores in its immutable log.
 *
 * <p>Every collector (HTTP, SDKs, log files, Kafka) normalises what it receives into one
 * {@link io.footfall.api.event.BehaviorEvent}; projections, plugins and reports read that same
 * type. Names follow Segment's e-commerce specification v2 ({@link io.footfall.api.event.StandardEvent}),
 * plus the {@code page}, {@code screen}, {@code identify}, {@code alias} and {@code group} calls
 * ({@link io.footfall.api.event.EventKind}).
 *
 * <p>The records carry no framework annotations: serialisation, encryption of personal data and
 * revision upcasting are the platform's business.
 *
 * @since 0.1
 */
package io.footfall.api.event;
