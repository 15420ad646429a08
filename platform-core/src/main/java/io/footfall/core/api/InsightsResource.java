package io.footfall.core.api;

import io.footfall.core.plugin.PluginResults;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** What every plugin currently says about one user. */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST})
public class InsightsResource {

    @Inject
    PluginResults results;

    /**
     * A user's insights.
     *
     * @param userId  the user
     * @param results current results of all plugins about the user
     */
    public record Insights(String userId, List<PluginResults.StoredResult> results) {
    }

    @GET
    @Path("/{id}/insights")
    public Insights insights(@PathParam("id") String id) {
        return new Insights(id, results.ofUser(id));
    }
}
