package io.footfall.core.api;

import io.footfall.core.security.AdminSessions;
import io.footfall.core.security.AuthMode;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** A signed-in local account's own admin UI sign-ins: where it is signed in, and ending one of them. */
@Path("/api/v1/me/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class OwnSessionsResource {

    @Inject
    AdminSessions sessions;
    @Inject
    SecurityIdentity identity;

    @ConfigProperty(name = "footfall.auth.mode", defaultValue = "local")
    String mode;

    /** The account's live sign-ins, the most recently used first; {@code current} marks the one asking. */
    @GET
    public List<AdminSessions.Session> list(@CookieParam(AdminSessions.COOKIE) String token) {
        local();
        return sessions.list(identity.getPrincipal().getName(), token);
    }

    /** Ends one of the account's sign-ins (204); 404 naming {@code id} when the account has no such live sign-in. */
    @DELETE
    @Path("/{id}")
    public Response end(@PathParam("id") String id) {
        local();
        if (!sessions.end(identity.getPrincipal().getName(), id)) {
            throw Problem.notFound("id", "no sign-in of yours with id " + (id.matches("[0-9a-f]{16}") ? id : "like that"));
        }
        return Response.noContent().build();
    }

    private void local() {
        if (AuthMode.parse(mode) != AuthMode.LOCAL) {
            throw Problem.conflict("not_local", null, "sign-ins are managed in Keycloak");
        }
    }
}
