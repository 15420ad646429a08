package io.footfall.core.source;

import java.time.Instant;

/**
 * A sender of events (a storefront, an app, a backfill), identified by its write key.
 *
 * @param id                    stable id recorded on every event it sends
 * @param name                  display name
 * @param createdAt             creation time
 * @param enabled               whether its write keys are accepted
 * @param keyRotatedAt          when its write key was last rotated (null: never)
 * @param previousKeyValidUntil until when the key before the last rotation is still accepted (null: it is not)
 */
public record Source(String id, String name, Instant createdAt, boolean enabled, Instant keyRotatedAt, Instant previousKeyValidUntil) {
}
