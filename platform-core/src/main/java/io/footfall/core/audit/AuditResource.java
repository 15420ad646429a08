package io.footfall.core.audit;

import io.footfall.core.api.Params;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The audit trail of the admin API, newest first (admin). */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class AuditResource {

    @Inject
    AuditTrail trail;

    /**
     * A page of the trail.
     *
     * @param entries newest first
     * @param next    the {@code before} of the next (older) page, null at the end
     */
    public record Page(List<AuditTrail.Entry> entries, Long next) {
    }

    /**
     * The latest entries, newest first: {@code actor} filters by account, {@code person} by the customer, profile or
     * user id whose data was read or changed ("who looked at this customer"), {@code before} (the previous page's
     * {@code next}) pages back, {@code limit} 1–500 (default 100). 400 naming the parameter when one is malformed.
     */
    @GET
    public Page list(@QueryParam("actor") String actor, @QueryParam("person") String person, @QueryParam("before") String before,
            @QueryParam("limit") String limit) {
        int n = Params.limit(limit, 100, 500);
        List<AuditTrail.Entry> entries = trail.list(blankToNull(actor), blankToNull(person), Params.position(before, "before"), n + 1);
        boolean more = entries.size() > n;
        List<AuditTrail.Entry> page = more ? entries.subList(0, n) : entries;
        return new Page(List.copyOf(page), more ? page.get(page.size() - 1).id() : null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
