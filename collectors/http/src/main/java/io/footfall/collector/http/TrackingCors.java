package io.footfall.collector.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * CORS for the tracking API only. Storefront pages on any origin post events to {@code /v1}
 * (authenticated by write key, never by cookies, so no credentials are allowed); the operators'
 * {@code /api} gets no CORS headers at all, so a foreign page cannot use an operator's browser
 * session against it.
 */
@ApplicationScoped
public class TrackingCors {

    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Content-Encoding, Accept";

    void install(@Observes Router router) {
        router.route("/v1/*").order(-100).handler(ctx -> {
            String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
            if (origin == null) {
                ctx.next();
                return;
            }
            var response = ctx.response();
            response.putHeader("Access-Control-Allow-Origin", origin);
            response.putHeader(HttpHeaders.VARY, "Origin");
            boolean preflight = ctx.request().method() == HttpMethod.OPTIONS
                    && ctx.request().getHeader("Access-Control-Request-Method") != null;
            if (!preflight) {
                response.putHeader("Access-Control-Expose-Headers", "Retry-After");
                ctx.next();
                return;
            }
            response.putHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            response.putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            response.putHeader("Access-Control-Max-Age", "86400");
            response.setStatusCode(200).end();
        });
    }
}
