package io.footfall.core.security;

/** The roles of Footfall's API. */
public final class Roles {
    /** Everything, including sources, accounts, erasure and replays. */
    public static final String ADMIN = "admin";
    /** Day-to-day operation: failed events, identity fixes, profiles. */
    public static final String OPERATOR = "operator";
    /** Read-only analysis: profiles and reports. */
    public static final String ANALYST = "analyst";
    /** Plugins: configuration, training, replays, dead letters; read access like an analyst. */
    public static final String PLUGIN_DEVELOPER = "plugin-developer";

    private Roles() {
    }
}
