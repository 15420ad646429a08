package io.footfall.core.api;

import io.footfall.core.config.SafeErrors;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The answer for an error no other mapper handles: a JSON body, never the framework's text page. A value PostgreSQL
 * cannot store (a NUL character in a JSON string: SQL states 22021 and 22P05) is the client's, a 400; anything else
 * is a 500 {@code internal_error} that names nothing of the server's insides, logged without the error's message
 * text (which may quote data).
 */
public class UnexpectedErrors {

    private static final Logger LOG = Logger.getLogger(UnexpectedErrors.class);

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable error) {
        if (unstorableText(error)) {
            return Problem.response(Response.Status.BAD_REQUEST, new Problem("invalid_parameter", "body",
                    "a value contains a NUL character (\\u0000), which cannot be stored"));
        }
        LOG.errorf("request failed: %s", SafeErrors.describe(error));
        return Problem.response(Response.Status.INTERNAL_SERVER_ERROR, new Problem("internal_error", null,
                "the request failed on the server; its log says why"));
    }

    private static boolean unstorableText(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("22021".equals(sql.getSQLState()) || "22P05".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
