package io.footfall.api.result;

import java.util.Objects;

/**
 * A user entered or left a segment.
 *
 * @param userId  the user
 * @param segment segment id
 * @param member  true when the user is in the segment
 * @param score   strength of membership in [0, 1], 1 for rule segments
 * @since 0.1
 */
public record SegmentMembership(String userId, String segment, boolean member, double score) implements Result {

    /** Checks the fields. */
    public SegmentMembership {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(segment, "segment");
    }

    @Override
    public ResultType type() {
        return ResultType.SEGMENT_MEMBERSHIP;
    }

    @Override
    public String key() {
        return segment + ":" + userId;
    }
}
