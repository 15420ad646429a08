package io.footfall.core.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a NUL character ({@code %00}) in a path or query parameter of the admin API with a 400 naming the
 * parameter. PostgreSQL cannot hold one in text, so such a value would otherwise fail in the database (a 500); no id,
 * cursor or name of Footfall's contains one. NULs inside JSON bodies are answered by {@link UnexpectedErrors}.
 */
public class NulCharacters {

    @ServerRequestFilter
    public Response refuseNul(UriInfo uri) {
        String path = uri.getPath();
        if (path == null || !path.startsWith("/api/")) {
            return null;
        }
        String field = first(uri.getPathParameters());
        if (field == null) {
            field = first(uri.getQueryParameters());
        }
        return field == null ? null : Problem.response(Response.Status.BAD_REQUEST, new Problem("invalid_parameter", field,
                field + " contains a NUL character (%00), which no value of this API holds"));
    }

    private static String first(Map<String, List<String>> parameters) {
        for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
            if (p.getKey().indexOf('\0') >= 0) {
                return p.getKey().replace("\0", "%00");
            }
            for (String value : p.getValue()) {
                if (value != null && value.indexOf('\0') >= 0) {
                    return p.getKey();
                }
            }
        }
        return null;
    }
}
