package io.footfall.core.api;

import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * The admin UI's sign-in entry when Keycloak is used: the path is guarded by the OIDC authorization-code mechanism
 * (see the {@code keycloak} profile), so an anonymous visit goes to Keycloak's login and comes back here signed in;
 * from here the UI takes over.
 */
@Path(SignInResource.PATH)
public class SignInResource {

    /** The sign-in entry's path. */
    static final String PATH = "/admin/sign-in";

    @GET
    @Authenticated
    public Response signedIn() {
        return Response.seeOther(URI.create("/admin/")).build();
    }
}
