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

    /**
     * The identifier a raw (not yet validated) Segment-shaped event is about: its {@code userId}, else its
     * {@code anonymousId}, when textual or integral and at most {@code maxLength} characters; {@code null} otherwise.
     * Used to attribute failed events to a subject (so erasure finds them) before validation.
     */
    public static String subjectOf(com.fasterxml.jackson.databind.JsonNode item, int maxLength) {
        if (item == null || !item.isObject()) {
            return null;
        }
        com.fasterxml.jackson.databind.JsonNode user = item.get("userId");
        if (user != null && (user.isTextual() || user.isIntegralNumber()) && user.asText().length() <= maxLength) {
            return user(user.asText());
        }
        com.fasterxml.jackson.databind.JsonNode anon = item.get("anonymousId");
        if (anon != null && (anon.isTextual() || anon.isIntegralNumber()) && anon.asText().length() <= maxLength) {
            return anonymous(anon.asText());
        }
        return null;
    }
}
