package io.footfall.core.profile;

/** Identifier spelling shared by identity links, timelines and subject keys. */
public final class Identifiers {
    private Identifiers() {
    }

    /** {@code user:<id>}. */
    public static String user(String userId) {
        return userId == null || userId.isBlank() ? null : "user:" + userId;
    }

    /** {@code anon:<id>}. */
    public static String anonymous(String anonymousId) {
        return anonymousId == null || anonymousId.isBlank() ? null : "anon:" + anonymousId;
    }

    /** True for a person known only by an anonymous id. */
    public static boolean isAnonymous(String personId) {
        return personId.startsWith("anon:");
    }
}
