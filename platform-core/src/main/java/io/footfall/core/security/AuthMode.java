package io.footfall.core.security;

/**
 * How people sign in: {@link #LOCAL} accounts of the embedded default (form login with a session cookie, or HTTP
 * Basic), or {@link #OIDC} through Keycloak (authorization-code login for the UI, bearer tokens for the API). Chosen
 * by {@code footfall.auth.mode}; the {@code keycloak} configuration profile sets it to {@code oidc}.
 */
public enum AuthMode {
    /** Local accounts, bcrypt-hashed in the {@code account} table. */
    LOCAL,
    /** Keycloak through Quarkus OIDC; local accounts are refused. */
    OIDC;

    /** Parses the configuration value ({@code local} or {@code oidc}, any case). */
    public static AuthMode parse(String value) {
        return switch (value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "local", "" -> LOCAL;
            case "oidc" -> OIDC;
            default -> throw new IllegalArgumentException("footfall.auth.mode must be local or oidc");
        };
    }
}
