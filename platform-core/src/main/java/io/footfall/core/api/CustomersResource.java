package io.footfall.core.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.core.privacy.CustomerExport;
import io.footfall.core.privacy.Erasure;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/** A customer's rights over their personal data: a copy of it (access, portability) and erasure (to be forgotten). */
@Path("/api/v1/customers")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class CustomersResource {

    @Inject
    Erasure erasure;
    @Inject
    CustomerExport export;
    @Inject
    ObjectMapper mapper;

    /**
     * Everything Footfall holds about the customer, as one JSON document to hand over ({@link CustomerExport}): the
     * identifiers, the profile with its traits, every event with its personal data, failed events naming the person,
     * and plugin results. 404 when the id names no one (or someone erased). Recorded in the audit trail.
     */
    @GET
    @Path("/{id}/export")
    public Response export(@PathParam("id") String id) {
        validate(id);
        CustomerExport.Subject subject = export.find(id).orElseThrow(() -> Problem.notFound("customer " + id));
        StreamingOutput body = out -> export.write(subject, mapper, out);
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE)
                .header("Content-Disposition", "attachment; filename=\"footfall-customer-export.json\"")
                .header("Cache-Control", "no-store").build();
    }

    /** Erases the customer (see {@link Erasure}). */
    @DELETE
    @Path("/{id}")
    public Erasure.Result erase(@PathParam("id") String id) {
        validate(id);
        return erasure.erase(id);
    }

    private static void validate(String id) {
        if (id == null || id.isBlank() || id.length() > 255) {
            throw Problem.badRequest("id", "id must be 1 to 255 characters");
        }
    }
}
