package io.footfall.core.config;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Answers 503 for the routes of a role this instance does not run (see {@link InstanceRoles}), with a
 * machine-readable body naming {@code footfall.roles}: the tracking API ({@code /v1}) needs {@code ingest}; the
 * API, the admin UI, sign-in and the browser SDK need {@code serve}. Health and metrics ({@code /q}) answer on
 * every instance.
 */
@ApplicationScoped
public class RoleGate {

    @Inject
    InstanceRoles roles;

    void install(@Observes Router router) {
        if (!roles.ingest()) {
            router.route("/v1/*").order(-200).handler(ctx -> refuse(ctx, "ingest"));
        }
        if (!roles.serve()) {
            for (String path : new String[] {"/api/*", "/admin*", "/j_security_check", "/sdk/*", "/demo/*"}) {
                router.route(path).order(-200).handler(ctx -> refuse(ctx, "serve"));
            }
        }
    }

    private static void refuse(RoutingContext ctx, String role) {
        ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                .end("{\"error\":\"role_not_enabled\",\"field\":\"footfall.roles\",\"message\":\"this instance does not run the "
                        + role + " role; send this request to an instance that does\"}");
    }
}
