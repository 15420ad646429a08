package io.footfall.core.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Cross-site request forgery protection for browser sessions (double-submit token). A write (any method but GET,
 * HEAD, OPTIONS) that carries a session cookie and no Authorization header must repeat the {@code footfall-csrf}
 * cookie in the {@value #HEADER} header; another site can make the browser send the cookies but cannot read them.
 * Requests authenticated by HTTP Basic, a bearer token or a write key are not cookie-borne and are not checked.
 * The session cookies are also SameSite=Strict: this is the second line.
 */
public class CsrfFilter {

    /** Header repeating the CSRF cookie. */
    public static final String HEADER = "X-CSRF-Token";

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> SESSION_COOKIES = Set.of("footfall-session", "q_session");

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        if (SAFE.contains(request.getMethod()) || request.getHeaderString(HttpHeaders.AUTHORIZATION) != null) {
            return null;
        }
        boolean cookieBorne = request.getCookies().keySet().stream()
                .anyMatch(name -> SESSION_COOKIES.contains(name) || name.startsWith("q_session"));
        if (!cookieBorne) {
            return null;
        }
        Cookie token = request.getCookies().get(SessionResource.CSRF_COOKIE);
        String header = request.getHeaderString(HEADER);
        if (token != null && header != null && token.getValue().length() >= 32 && MessageDigest.isEqual(
                token.getValue().getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON)
                .entity(new Problem("csrf", HEADER,
                        "a signed-in browser write must repeat the footfall-csrf cookie in the " + HEADER + " header"))
                .build();
    }
}
