package io.footfall.core.source;

import java.time.Instant;

/**
 * A sender of events (a storefront, an app, a backfill), identified by its write key.
 *
 * @param id        stable id recorded on every event it sends
 * @param name      display name
 * @param createdAt creation time
 * @param enabled   whether its write key is accepted
 */
public record Source(String id, String name, Instant createdAt, boolean enabled) {
}
