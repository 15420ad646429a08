package io.footfall.core.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Collection;
import java.util.Locale;
import java.util.TreeSet;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Machine-readable answers for requests the framework refuses before a resource method runs: a body that is not JSON,
 * JSON of the wrong shape for the request's record (a member of the wrong type, an unknown member: unknown members
 * are refused, {@code quarkus.jackson.fail-on-unknown-properties}, so that a typo such as {@code evry} is not silently
 * dropped), a path nothing serves, a method the path does not take, a media type it does not read or write. Without these the framework
 * answers with an empty body. The body's {@code field} is the JSON path of the member at fault ({@code steps[2]}), or
 * {@code body} when the whole body is.
 */
public class RequestErrors {

    /** Longest framework message repeated in an answer. */
    static final int MAX_MESSAGE = 300;

    /** A body of the wrong shape (the JSON reader rethrows these as they are; the built-in mapper answers without body). */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return badJson(e);
    }

    /**
     * A body that is not JSON: the JSON reader wraps the parser's exception in a {@code WebApplicationException} without
     * entity. Any other such exception is answered as it was thrown.
     */
    @ServerExceptionMapper
    public Response wrapped(WebApplicationException e) {
        if (!e.getResponse().hasEntity() && e.getCause() instanceof JsonProcessingException json) {
            return badJson(json);
        }
        return e.getResponse();
    }

    static Response badJson(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (original.startsWith("Duplicate field '") && original.indexOf('\'', 17) > 17) {
            String field = clip(original.substring(17, original.indexOf('\'', 17)));
            return Problem.response(Response.Status.BAD_REQUEST, new Problem("malformed_json", field,
                    field + " is given more than once"));
        }
        if (original.startsWith("Trailing token")) {
            return Problem.response(Response.Status.BAD_REQUEST, new Problem("malformed_json", "body",
                    "the body holds more after its JSON value; send one JSON value"));
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String field = path(u);
            return Problem.response(Response.Status.BAD_REQUEST, new Problem("invalid_parameter", field,
                    field + " is not a member of this request" + allowed(u.getKnownPropertyIds())));
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            String field = path(m);
            String type = m.getTargetType() == null ? "a value of another type" : typeName(m.getTargetType());
            return Problem.response(Response.Status.BAD_REQUEST, new Problem("invalid_parameter", field, field + " must be " + type));
        }
        if (e instanceof MismatchedInputException m) {
            String type = m.getTargetType() == null ? "a JSON object" : typeName(m.getTargetType());
            return Problem.response(Response.Status.BAD_REQUEST, new Problem("invalid_parameter", "body", "the body must be " + type));
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return Problem.response(Response.Status.BAD_REQUEST, new Problem("malformed_json", "body",
                "the body is not valid JSON" + where + ": " + clip(e.getOriginalMessage())));
    }

    /**
     * A path no resource serves (a typo in a client, an endpoint of a later version). With this mapper the framework
     * answers here instead of passing the request on to the HTTP server's HTML 404 page; static files (the admin UI, the
     * browser SDK) are served before the resources are matched, so they are unaffected.
     */
    @ServerExceptionMapper
    public Response notFound(NotFoundException e, Request request, UriInfo uri) {
        if (e.getResponse().hasEntity()) {
            return e.getResponse();
        }
        return Problem.response(Response.Status.NOT_FOUND, new Problem("not_found", "path",
                "no resource at " + request.getMethod() + " " + clip(uri.getPath()) + "; the API is listed at /q/openapi"));
    }

    @ServerExceptionMapper
    public Response methodNotAllowed(NotAllowedException e, Request request, UriInfo uri) {
        Response.ResponseBuilder answer = Response.status(Response.Status.METHOD_NOT_ALLOWED).type(MediaType.APPLICATION_JSON);
        Collection<String> given = e.getResponse().getAllowedMethods();
        TreeSet<String> allow = given == null ? new TreeSet<>() : new TreeSet<>(given);
        if (!allow.isEmpty()) {
            answer.allow(allow);
        }
        String allowed = allow.isEmpty() ? "" : "; allowed: " + String.join(", ", allow);
        return answer.entity(new Problem("method_not_allowed", "method",
                request.getMethod() + " is not allowed on " + clip(uri.getPath()) + allowed)).build();
    }

    @ServerExceptionMapper
    public Response unsupportedMediaType(NotSupportedException e, HttpHeaders headers) {
        return Problem.response(Response.Status.UNSUPPORTED_MEDIA_TYPE, new Problem("unsupported_media_type", "Content-Type",
                "this endpoint does not read " + clip(String.valueOf(headers.getMediaType())) + "; send application/json"));
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return Problem.response(Response.Status.NOT_ACCEPTABLE, new Problem("not_acceptable", "Accept",
                "this endpoint answers application/json (reports and member exports also text/csv); ask for one of them"));
    }

    /** The JSON path of the member at fault: {@code steps[2]}, {@code rules[0].window}. */
    static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                out.append(out.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.length() == 0 ? "body" : clip(out.toString());
    }

    private static String allowed(Collection<Object> known) {
        if (known == null || known.isEmpty()) {
            return "";
        }
        TreeSet<String> names = new TreeSet<>();
        known.forEach(k -> names.add(String.valueOf(k)));
        return "; allowed: " + String.join(", ", names);
    }

    private static String typeName(Class<?> type) {
        if (type == String.class || CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT);
        }
        return "a JSON object";
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "…";
    }
}
