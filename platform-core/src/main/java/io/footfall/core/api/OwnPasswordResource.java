package io.footfall.core.api;

import io.footfall.core.security.AuthMode;
import io.footfall.core.security.Accounts;
import io.footfall.core.security.AdminSessions;
import io.footfall.core.security.SignInThrottle;
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
    @Inject
    SignInThrottle throttle;

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
     * {@code newPassword}; 409 {@code not_local} when accounts live in Keycloak. Wrong current passwords count as failed
     * sign-ins ({@link SignInThrottle}): after ten in a row from one address, 429 {@code too_many_failed_sign_ins} with
     * {@code Retry-After}, so a stolen session cannot guess the password. The account's other admin UI sessions end;
     * the one making the change goes on.
     */
    @PUT
    public Response change(PasswordChange change, @jakarta.ws.rs.CookieParam(AdminSessions.COOKIE) String sessionToken,
                           @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerRequest http) {
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
        String client = SignInThrottle.clientAddress(http);
        long wait = throttle.waitSeconds(username, client);
        if (wait > 0) {
            throw new jakarta.ws.rs.WebApplicationException(Response.status(429).header("Retry-After", wait)
                    .type(MediaType.APPLICATION_JSON).entity(new Problem("too_many_failed_sign_ins", "currentPassword",
                            "too many wrong passwords for this account from this address: the next check in " + wait + " s"))
                    .build());
        }
        if (!accounts.passwordMatches(username, change.currentPassword())) {
            throttle.failed(username, client);
            throw Problem.badRequest("currentPassword", "currentPassword is not the account's password");
        }
        throttle.succeeded(username, client);
        accounts.changeOwnPassword(username, change.newPassword(), sessionToken);
        return Response.noContent().build();
    }
}
