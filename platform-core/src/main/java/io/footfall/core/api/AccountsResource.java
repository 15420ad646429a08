package io.footfall.core.api;

import io.footfall.core.security.Accounts;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Local accounts of the embedded default: create, list, change roles or password, delete. An admin cannot delete their
 * own account or take their own admin role, so at least one admin always remains.
 */
@Path("/api/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class AccountsResource {

    @Inject
    Accounts accounts;
    @Inject
    io.quarkus.security.identity.SecurityIdentity identity;

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
        if (request.username() == null || !validName(request.username())) {
            throw Problem.badRequest("username", "username must be 3 to 100 letters, digits or . _ @ -");
        }
        checkPassword("password", request.password());
        checkRoles(request.roles());
        if (!accounts.createIfAbsent(request.username(), request.password(), request.roles())) {
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("exists", "username", "an account with that name exists")).build();
        }
        return Response.status(Response.Status.CREATED).entity(Map.of("username", request.username(), "roles", request.roles())).build();
    }
    /** Every account: name, roles, creation time (never a password hash). */
    @GET
    public List<Accounts.View> list() {
        return accounts.list();
    }

    /** One account. */
    @GET
    @Path("/{username}")
    public Accounts.View get(@PathParam("username") String username) {
        return found(username);
    }

    /**
     * A change to an account: each member absent or null stays as it is.
     *
     * @param password a new password, 10–200 characters (an admin's reset: the account's admin UI sessions end)
     * @param roles    the new roles, a non-empty subset of admin, operator, analyst, plugin-developer
     */
    public record AccountChange(String password, Set<String> roles) {
    }

    /**
     * Changes an account's roles and/or password. Effective at once on every instance.
     * 409 {@code self} when an admin would take their own admin role.
     */
    @PATCH
    @Path("/{username}")
    public Accounts.View update(@PathParam("username") String username, AccountChange change) {
        found(username);
        if (change == null || change.password() == null && change.roles() == null) {
            throw Problem.badRequest("body", "give password and/or roles to change");
        }
        if (change.password() != null) {
            checkPassword("password", change.password());
        }
        if (change.roles() != null) {
            checkRoles(change.roles());
            if (isSelf(username) && !change.roles().contains(Roles.ADMIN)) {
                throw Problem.conflict("self", "roles", "you cannot take your own admin role: another admin can");
            }
        }
        return accounts.update(username, change.password(), change.roles()).orElseThrow(() -> Problem.notFound("account " + username));
    }

    /** Deletes an account: its sessions and credentials stop working. 409 {@code self} for your own account. */
    @DELETE
    @Path("/{username}")
    public Response delete(@PathParam("username") String username) {
        found(username);
        if (isSelf(username)) {
            throw Problem.conflict("self", "username", "you cannot delete your own account: another admin can");
        }
        if (!accounts.delete(username)) {
            throw Problem.notFound("account " + username);
        }
        return Response.noContent().build();
    }

    private Accounts.View found(String username) {
        if (!validName(username)) {
            throw Problem.notFound("account " + username);
        }
        return accounts.find(username).orElseThrow(() -> Problem.notFound("account " + username));
    }

    private boolean isSelf(String username) {
        return !identity.isAnonymous() && username.equals(identity.getPrincipal().getName());
    }

    static boolean validName(String username) {
        return username.matches("[A-Za-z0-9._@-]{3,100}");
    }

    static void checkPassword(String field, String password) {
        if (password == null || password.length() < 10 || password.length() > 200) {
            throw Problem.badRequest(field, field + " must be 10 to 200 characters");
        }
    }

    private static void checkRoles(Set<String> roles) {
        if (roles == null || roles.isEmpty() || roles.contains(null) || !Accounts.ROLES.containsAll(roles)) {
            throw Problem.badRequest("roles", "roles must be a non-empty subset of " + Accounts.ROLES);
        }
    }
}
