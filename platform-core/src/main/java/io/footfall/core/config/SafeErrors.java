package io.footfall.core.config;

import java.sql.SQLException;

/**
 * Describes an error for the log without its message text, which may quote event data (database
 * errors quote rows). Class names along the cause chain and SQL states only.
 */
public final class SafeErrors {

    private SafeErrors() {
    }

    /** E.g. {@code IllegalStateException <- PSQLException[23505]}. */
    public static String describe(Throwable error) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable t = error; t != null && depth < 8; t = t.getCause(), depth++) {
            if (depth > 0) {
                out.append(" <- ");
            }
            out.append(t.getClass().getSimpleName());
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                out.append('[').append(sql.getSQLState()).append(']');
            }
        }
        return out.toString();
    }
}
