package io.footfall.core.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Machine-readable 401 and 403 answers for the admin API. */
public class SecurityErrors {

    /**
     * 401 with a Basic challenge for API clients; scripts in a browser (fetch/XHR, told apart by
     * {@code Sec-Fetch-Mode} or {@code X-Requested-With}) get none, so the browser shows no password dialog and the
     * admin UI sends people to its sign-in page instead.
     *
     * <p>A Keycloak session cookie that reaches this could not be used (its tokens expired and could not be refreshed,
     * e.g. because the session was ended at Keycloak: a usable one gives 403 at worst), so the answer also expires
     * it; at the sign-in entry the answer is a redirect to the entry itself without it, which goes on to Keycloak's
     * login, instead of a 401 that would leave the browser on an error page.
     */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e, HttpHeaders headers, UriInfo uri) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.footfall.core.security.SignInThrottled throttled) {
                return Response.status(429).header("Retry-After", throttled.retryAfterSeconds()).type(MediaType.APPLICATION_JSON)
                        .entity(new Problem("too_many_failed_sign_ins", "Authorization", "too many wrong passwords for this account "
                                + "from this address: the next check in " + throttled.retryAfterSeconds() + " s")).build();
            }
        }
        boolean staleSession = headers.getHeaderString(HttpHeaders.AUTHORIZATION) == null && SessionResource.hasOidcSession(headers);
        NewCookie[] drop = staleSession ? SessionResource.expiredOidcSession(headers).toArray(NewCookie[]::new) : new NewCookie[0];
        if (staleSession && SignInResource.PATH.equals(uri.getPath())) {
            return Response.seeOther(URI.create(SignInResource.PATH)).cookie(drop).build();
        }
        Response.ResponseBuilder response = Response.status(Response.Status.UNAUTHORIZED).cookie(drop).type(MediaType.APPLICATION_JSON)
                .entity(new Problem("unauthorized", "Authorization",
                        "sign in: a Footfall account (HTTP Basic or the admin UI), or a bearer token when Keycloak is used"));
        String fetchMode = headers.getHeaderString("Sec-Fetch-Mode");
        boolean script = (fetchMode != null && !"navigate".equals(fetchMode)) || headers.getHeaderString("X-Requested-With") != null;
        if (!script) {
            response.header("WWW-Authenticate", "Basic realm=\"footfall\"");
        }
        return response.build();
    }

    @ServerExceptionMapper(ForbiddenException.class)
    public Response forbidden(ForbiddenException e) {
        return Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON)
                .entity(new Problem("forbidden", null, "your role does not allow this"))
                .build();
    }
}
