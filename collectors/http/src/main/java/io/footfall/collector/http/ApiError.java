package io.footfall.collector.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A machine-readable error answer.
 *
 * @param success always false
 * @param error   stable error code, e.g. {@code payload_too_large}
 * @param field   the offending field or part of the request, if one
 * @param message what is wrong, for people
 * @param limit   the limit that was exceeded, if one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(boolean success, String error, String field, String message, Long limit) {
    static ApiError of(String error, String field, String message) {
        return new ApiError(false, error, field, message, null);
    }
}
