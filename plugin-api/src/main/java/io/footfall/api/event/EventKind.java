package io.footfall.api.event;

import java.util.Locale;
import java.util.Optional;

/**
 * The kind of call that produced an event, as in the Segment/RudderStack tracking API.
 *
 * @since 0.1
 */
public enum EventKind {
    /** A user action with a name, such as {@code Product Viewed}. */
    TRACK,
    /** A web page view. */
    PAGE,
    /** A mobile screen view. */
    SCREEN,
    /** Ties a user id to the current anonymous id and records traits. */
    IDENTIFY,
    /** Declares that {@code previousId} and {@code userId} are the same person. */
    ALIAS,
    /** Associates the user with a group (company, household, team). */
    GROUP;

    /** The wire name of this kind: {@code track}, {@code page}, … */
    public String wireName() {
        return WIRE_NAMES[ordinal()];
    }

    /** Wire names by ordinal, computed once: parsing looks one up for every collected event. */
    private static final String[] WIRE_NAMES;
    private static final EventKind[] KINDS = values();

    static {
        WIRE_NAMES = new String[KINDS.length];
        for (EventKind kind : KINDS) {
            WIRE_NAMES[kind.ordinal()] = kind.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Parses a wire name ({@code "track"}, {@code "page"}, …), case-insensitively.
     *
     * @return the kind, or empty when the name is not a known kind
     */
    public static Optional<EventKind> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String trimmed = name.trim();
        for (EventKind kind : KINDS) {
            if (WIRE_NAMES[kind.ordinal()].equalsIgnoreCase(trimmed)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
