package io.footfall.core.api;

import io.footfall.core.privacy.Erasure;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Erasure of a customer's personal data (right to be forgotten). */
@Path("/api/v1/customers")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class CustomersResource {

    @Inject
    Erasure erasure;

    @DELETE
    @Path("/{id}")
    public Erasure.Result erase(@PathParam("id") String id) {
        if (id == null || id.isBlank() || id.length() > 255) {
            throw Problem.badRequest("id", "id must be 1 to 255 characters");
        }
        return erasure.erase(id);
    }
}
