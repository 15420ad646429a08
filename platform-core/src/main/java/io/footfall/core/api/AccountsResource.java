package io.footfall.core.api;

import io.footfall.core.security.Accounts;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Set;

/** Local accounts of the embedded default. */
@Path("/api/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class AccountsResource {

    @Inject
    Accounts accounts;

    /**
     * A new account.
     *
     * @param username 3–100 characters: letters, digits, {@code . _ @ -}
     * @param password at least 10 characters
     * @param roles    any of admin, operator, analyst, plugin-developer; at least one
     */
    public record NewAccount(String username, String password, Set<String> roles) {
    }

    @POST
    public Response create(NewAccount request) {
        if (request == null) {
            throw Problem.badRequest("body", "the body must be a JSON object with username, password and roles");
        }
        if (request.username() == null || !request.username().matches("[A-Za-z0-9._@-]{3,100}")) {
            throw Problem.badRequest("username", "username must be 3 to 100 letters, digits or . _ @ -");
        }
        if (request.password() == null || request.password().length() < 10 || request.password().length() > 200) {
            throw Problem.badRequest("password", "password must be 10 to 200 characters");
        }
        if (request.roles() == null || request.roles().isEmpty() || request.roles().contains(null)
                || !Accounts.ROLES.containsAll(request.roles())) {
            throw Problem.badRequest("roles", "roles must be a non-empty subset of " + Accounts.ROLES);
        }
        if (!accounts.createIfAbsent(request.username(), request.password(), request.roles())) {
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("exists", "username", "an account with that name exists")).build();
        }
        return Response.status(Response.Status.CREATED).entity(Map.of("username", request.username(), "roles", request.roles())).build();
    }
}
