package io.footfall.core.api;

import io.footfall.core.security.AdminSessions;
import io.footfall.core.security.AuthMode;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who is signed in, how to sign in, and signing out: what the admin UI needs to start. Also hands out the CSRF
 * token cookie that {@link CsrfFilter} checks on cookie-authenticated writes.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    /** Cookie holding the CSRF token; readable by the UI's scripts, echoed in {@link CsrfFilter#HEADER}. */
    public static final String CSRF_COOKIE = "footfall-csrf";
    /**
     * Quarkus OIDC's session cookie (Keycloak sign-in). A long one is split into {@code q_session_chunk_<n>} cookies,
     * as a session holding Keycloak's ID, access and refresh tokens is.
     */
    static final String OIDC_SESSION_COOKIE = "q_session";

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    SecurityIdentity identity;
    @Inject
    AdminSessions sessions;
    @Inject
    io.footfall.core.audit.AuditTrail audit;

    @ConfigProperty(name = "footfall.auth.mode", defaultValue = "local")
    String mode;
    @ConfigProperty(name = "quarkus.http.auth.form.cookie-name", defaultValue = "footfall-session")
    String sessionCookie;

    /** The signed-in account. */
    public record Me(String name, List<String> roles, String authentication) {
    }

    /** Where the UI sends people to sign in. */
    public record AuthInfo(String mode, String loginUrl) {
    }

    @GET
    @Path("/me")
    @Authenticated
    public Response me(@CookieParam(CSRF_COOKIE) String csrf) {
        Me me = new Me(identity.getPrincipal().getName(), List.copyOf(new TreeSet<>(identity.getRoles())),
                AuthMode.parse(mode).name().toLowerCase(java.util.Locale.ROOT));
        Response.ResponseBuilder response = Response.ok(me);
        if (csrf == null || csrf.length() < 32) {
            response.cookie(csrfCookie(newToken(), 8 * 3600));
        }
        return response.build();
    }

    @GET
    @Path("/auth")
    @PermitAll
    public AuthInfo auth() {
        return AuthMode.parse(mode) == AuthMode.OIDC
                ? new AuthInfo("oidc", "/admin/sign-in")
                : new AuthInfo("local", "/admin/login.html");
    }

    /**
     * Ends the browser session: a local sign-in is ended on the server ({@link AdminSessions}: a copy of its cookies no
     * longer works), with {@code everywhere=true} every sign-in of its account; and the cookies are expired, the local
     * ones or every part of the OIDC one. An OIDC session at Keycloak ends at Keycloak's own logout.
     */
    @POST
    @Path("/logout")
    @PermitAll
    public Response logout(@Context HttpHeaders headers, @CookieParam(AdminSessions.COOKIE) String sessionToken,
                           @QueryParam("everywhere") boolean everywhere) {
        // the audit filter cannot name who signed out once the session has ended: recorded here
        sessions.close(sessionToken, everywhere).ifPresent(username -> audit.record(username, "POST /api/v1/logout",
                everywhere ? java.util.Map.of("everywhere", "true") : java.util.Map.of(), 204));
        List<NewCookie> expired = new ArrayList<>(List.of(expired(sessionCookie, true), expired(AdminSessions.COOKIE, true)));
        expired.addAll(expiredOidcSession(headers));
        expired.add(csrfCookie("", 0));
        return Response.noContent().cookie(expired.toArray(NewCookie[]::new)).build();
    }

    /** True when the request carries the OIDC session cookie (or a part of it). */
    static boolean hasOidcSession(HttpHeaders headers) {
        return headers.getCookies().keySet().stream()
                .anyMatch(name -> name.equals(OIDC_SESSION_COOKIE) || name.startsWith(OIDC_SESSION_COOKIE + "_"));
    }

    /** Cookies expiring the OIDC session cookie and every part of it the request carries. */
    static List<NewCookie> expiredOidcSession(HttpHeaders headers) {
        List<NewCookie> expired = new ArrayList<>(List.of(expired(OIDC_SESSION_COOKIE, true)));
        headers.getCookies().keySet().stream().filter(name -> name.startsWith(OIDC_SESSION_COOKIE + "_"))
                .forEach(name -> expired.add(expired(name, true)));
        return expired;
    }

    private static NewCookie csrfCookie(String value, int maxAge) {
        return new NewCookie.Builder(CSRF_COOKIE).value(value).path("/").maxAge(maxAge)
                .sameSite(NewCookie.SameSite.STRICT).httpOnly(false).build();
    }

    private static NewCookie expired(String name, boolean httpOnly) {
        return new NewCookie.Builder(name).value("").path("/").maxAge(0).httpOnly(httpOnly).build();
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
