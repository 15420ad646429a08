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
 * Cross-site request forgery protection for browser sessions. A write (any method but GET, HEAD, OPTIONS) to the admin
 * API whose {@code Origin} names another site is refused: browsers send Origin with every cross-site write, and they
 * attach cached HTTP Basic credentials as they attach cookies. A write that carries a session cookie must also repeat
 * the {@code footfall-csrf} cookie in the {@value #HEADER} header (double submit), whatever Authorization header it
 * adds; another site can make the browser send the cookies but cannot read them. Requests without a session cookie
 * (HTTP Basic or bearer clients, collectors with a write key) need no token. The session cookies are also
 * SameSite=Strict: this is the third line.
 */
public class CsrfFilter {

    /** Header repeating the CSRF cookie. */
    public static final String HEADER = "X-CSRF-Token";

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> SESSION_COOKIES = Set.of("footfall-session", "q_session");

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        if (SAFE.contains(request.getMethod())) {
            return null;
        }
        String path = request.getUriInfo().getPath();
        String origin = request.getHeaderString("Origin");
        if (path != null && path.startsWith("/api/") && origin != null && !sameHost(origin, request)) {
            // a browser sends Origin with every cross-site write; Basic credentials it cached are sent as a cookie is
            return Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("csrf", "Origin", "a write to the admin API from another site is refused"))
                    .build();
        }
        boolean cookieBorne = request.getCookies().keySet().stream()
                .anyMatch(name -> SESSION_COOKIES.contains(name) || name.startsWith("q_session"));
        // a request carrying a session cookie is checked whatever Authorization header it adds
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

    /** Whether the Origin names the host (and port) the request was sent to ({@code Host}, or the proxy's forwarded one). */
    private static boolean sameHost(String origin, ContainerRequestContext request) {
        java.net.URI uri;
        try {
            uri = java.net.URI.create(origin.trim());
        } catch (IllegalArgumentException e) {
            return false; // "null" (a sandboxed page) or garbage
        }
        if (uri.getHost() == null) {
            return false;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        for (String host : new String[] {request.getHeaderString("X-Forwarded-Host"), request.getHeaderString(HttpHeaders.HOST)}) {
            if (host == null || host.isBlank()) {
                continue;
            }
            String first = host.split(",")[0].trim();
            int colon = first.lastIndexOf(':');
            boolean hasPort = colon > 0 && first.indexOf(']') < colon;
            String name = hasPort ? first.substring(0, colon) : first;
            if (name.equalsIgnoreCase(uri.getHost()) && (!hasPort || first.substring(colon + 1).equals(Integer.toString(port)))) {
                return true;
            }
        }
        return false;
    }
}
