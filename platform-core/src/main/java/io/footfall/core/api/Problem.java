package io.footfall.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A machine-readable error of the admin API.
 *
 * @param error   stable code, e.g. {@code not_found}, {@code invalid_parameter}
 * @param field   the offending field or parameter, if one
 * @param message for people
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String error, String field, String message) {

    /** A 400 naming the parameter. */
    public static WebApplicationException badRequest(String field, String message) {
        return new WebApplicationException(response(Response.Status.BAD_REQUEST, new Problem("invalid_parameter", field, message)));
    }

    /** A 404. */
    public static WebApplicationException notFound(String what) {
        return new WebApplicationException(response(Response.Status.NOT_FOUND, new Problem("not_found", null, what + " not found")));
    }

    /** A 404 naming the parameter that made it one (such as an instant before anything existed). */
    public static WebApplicationException notFound(String field, String message) {
        return new WebApplicationException(response(Response.Status.NOT_FOUND, new Problem("not_found", field, message)));
    }

    /** A 409: the request conflicts with the resource's state ({@code error} says how). */
    public static WebApplicationException conflict(String error, String field, String message) {
        return new WebApplicationException(response(Response.Status.CONFLICT, new Problem(error, field, message)));
    }

    /** An answer with this status and problem as its JSON body. */
    public static Response response(Response.Status status, Problem problem) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(problem).build();
    }
}
