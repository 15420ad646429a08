package io.footfall.sdk;

/**
 * Who did something: a user id, an anonymous id, or both (the anonymous id of a visitor who has
 * signed in lets Footfall join their earlier anonymous history). At least one is required.
 *
 * @param userId      the storefront's id of a known customer, or null
 * @param anonymousId a visitor id (cookie, session), or null
 */
public record Identity(String userId, String anonymousId) {

    /** Checks that at least one id is present and not blank. */
    public Identity {
        if (blank(userId) && blank(anonymousId)) {
            throw new IllegalArgumentException("userId or anonymousId is required");
        }
        userId = blank(userId) ? null : userId;
        anonymousId = blank(anonymousId) ? null : anonymousId;
    }

    /** A known customer. */
    public static Identity user(String userId) {
        return new Identity(userId, null);
    }

    /** An anonymous visitor. */
    public static Identity anonymous(String anonymousId) {
        return new Identity(null, anonymousId);
    }

    /** A customer together with the anonymous id they browsed under before. */
    public static Identity of(String userId, String anonymousId) {
        return new Identity(userId, anonymousId);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
