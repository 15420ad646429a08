package io.footfall.core.audit;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Appends every change made through the admin API to the {@link AuditTrail}: requests under {@code /api/} with a
 * method other than GET, HEAD and OPTIONS that reached an endpoint with a signed-in caller, whatever the answer (a 403
 * for a missing role is recorded too). Reads of one person's data are recorded the same way (GET of a profile, its
 * timeline, a user's segments, scores and insights, and a segment's members), so that the trail answers "who looked
 * at this customer" ({@code footfall.audit.reads}, default true); other reads, and the storefront's recommendation
 * serving, are not. The action is the method and the endpoint's path template; the target its path parameters, where
 * those of the person-level endpoints (customers, profiles, users, identity) are kept only as a SHA-256 prefix, so
 * that the trail names no shopper. Request bodies are never recorded. Written before the answer leaves, on the
 * request's worker thread (on an event-loop thread, by a small queue of its own).
 */
public class AuditFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final List<String> PERSONAL = List.of("/api/v1/customers", "/api/v1/profiles", "/api/v1/users", "/api/v1/identity");
    /** Reads that show one person's data, or a list of people. */
    private static final List<String> PERSONAL_READS = List.of("/api/v1/customers/{", "/api/v1/profiles/{", "/api/v1/users/{",
            "/api/v1/segments/{id}/members");
    private static final Map<Method, String> TEMPLATES = new ConcurrentHashMap<>();
    /** For endpoints answered on an event loop (none of the admin API's today): writes off that thread, bounded. */
    private static final ExecutorService OFF_LOOP = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
            io.footfall.core.store.ProcessingThreads.named("audit-writer", true), 
            (task, pool) -> org.jboss.logging.Logger.getLogger(AuditFilter.class).warn("audit queue full: a change was not recorded"));

    @Inject
    AuditTrail trail;
    @Inject
    SecurityIdentity identity;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "footfall.audit.reads", defaultValue = "true")
    boolean reads;

    @ServerResponseFilter
    public void record(ContainerRequestContext request, ContainerResponseContext response, SimpleResourceInfo resource) {
        String path = request.getUriInfo().getPath();
        boolean read = READS.contains(request.getMethod());
        boolean readRecorded = reads && "GET".equals(request.getMethod()); // and then only of a person's data, below
        if ((read && !readRecorded) || resource == null || path == null || !path.startsWith("/api/")) {
            return;
        }
        String actor;
        try {
            if (identity.isAnonymous()) {
                return;
            }
            actor = identity.getPrincipal().getName();
        } catch (RuntimeException e) {
            return; // no usable credentials: nobody to record (the 401 says so)
        }
        String template = template(resource);
        if (template == null || (read && PERSONAL_READS.stream().noneMatch(template::startsWith))) {
            return;
        }
        boolean personal = PERSONAL.stream().anyMatch(template::startsWith);
        Map<String, String> target = new TreeMap<>();
        request.getUriInfo().getPathParameters().forEach((name, values) -> {
            String value = values.isEmpty() ? "" : values.get(0);
            target.put(name, personal ? pseudonym(value) : value);
        });
        String action = request.getMethod() + " " + template;
        int status = response.getStatus();
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            OFF_LOOP.execute(() -> trail.record(actor, action, target, status));
        } else {
            trail.record(actor, action, target, status);
        }
    }

    /** {@code sha256:} and the first 16 hex digits of the value's SHA-256: the same id gives the same entry. */
    static String pseudonym(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The endpoint's path template from its class's and method's {@code @Path}, e.g. {@code /api/v1/accounts/{username}}. */
    private static String template(SimpleResourceInfo resource) {
        Method method;
        try {
            method = resource.getResourceClass().getMethod(resource.getMethodName(), resource.parameterTypes());
        } catch (NoSuchMethodException e) {
            return null;
        }
        return TEMPLATES.computeIfAbsent(method, m -> {
            Path type = m.getDeclaringClass().getAnnotation(Path.class);
            Path own = m.getAnnotation(Path.class);
            String joined = (type == null ? "" : type.value()) + (own == null ? "" : "/" + own.value());
            return joined.replaceAll("/+", "/").replaceAll("(.)/$", "$1");
        });
    }
}
