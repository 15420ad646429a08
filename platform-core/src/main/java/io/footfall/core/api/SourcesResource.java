package io.footfall.core.api;

import io.footfall.core.security.Roles;
import io.footfall.core.source.Source;
import io.footfall.core.source.SourceRegistry;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Sources and write keys. The write key is shown only in the answer to its creation. */
@Path("/api/v1/sources")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class SourcesResource {

    @Inject
    SourceRegistry sources;

    /**
     * A request to create a source.
     *
     * @param name display name, 1–200 characters
     */
    public record NewSource(String name) {
    }

    @POST
    public Response create(NewSource request) {
        if (request == null || request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            throw Problem.badRequest("name", "name is required, 1 to 200 characters");
        }
        return Response.status(Response.Status.CREATED).entity(sources.create(request.name().trim())).build();
    }

    @GET
    public List<Source> list() {
        return sources.list();
    }
}
