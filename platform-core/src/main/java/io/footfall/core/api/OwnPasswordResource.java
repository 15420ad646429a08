package io.footfall.core.api;

import io.footfall.core.security.AuthMode;
import io.footfall.core.security.Accounts;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** A signed-in local account changes its own password, giving the current one. */
@Path("/api/v1/me/password")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Authenticated
public class OwnPasswordResource {

    @Inject
    Accounts accounts;
    @Inject
    SecurityIdentity identity;

    @ConfigProperty(name = "footfall.auth.mode", defaultValue = "local")
    String mode;

    /**
     * A password change.
     *
     * @param currentPassword the password now
     * @param newPassword     the new one, 10–200 characters, not the current one
     */
    public record PasswordChange(String currentPassword, String newPassword) {
    }

    /**
     * Changes the password: 204; 400 naming {@code currentPassword} when it is wrong (checked with bcrypt), or
     * {@code newPassword}; 409 {@code not_local} when accounts live in Keycloak.
     */
    @PUT
    public Response change(PasswordChange change) {
        if (AuthMode.parse(mode) != AuthMode.LOCAL) {
            throw Problem.conflict("not_local", null, "accounts are managed in Keycloak: change the password there");
        }
        if (change == null || change.currentPassword() == null) {
            throw Problem.badRequest("currentPassword", "currentPassword is required");
        }
        AccountsResource.checkPassword("newPassword", change.newPassword());
        if (change.newPassword().equals(change.currentPassword())) {
            throw Problem.badRequest("newPassword", "newPassword must differ from the current one");
        }
        String username = identity.getPrincipal().getName();
        if (!accounts.passwordMatches(username, change.currentPassword())) {
            throw Problem.badRequest("currentPassword", "currentPassword is not the account's password");
        }
        accounts.update(username, change.newPassword(), null);
        return Response.noContent().build();
    }
}
