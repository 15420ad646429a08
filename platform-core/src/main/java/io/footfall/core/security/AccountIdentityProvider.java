package io.footfall.core.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Authenticates HTTP Basic credentials against the local {@code account} table (bcrypt). A
 * successful check is remembered for a minute under a SHA-256 of the credentials, so a client
 * polling the API does not pay a bcrypt per request. In the minute's last 10 s a request renews it
 * with a check in the background, so a client in steady use never waits for one; once it has
 * expired, one request checks the credentials again and the others sent meanwhile with the same
 * credentials wait for that check. (Before, every request arriving during the check ran a bcrypt
 * of its own, and at 1,000 requests/s that stalled the API for seconds once a minute:
 * docs/benchmarks.md, run 8.)
 */
@ApplicationScoped
public class AccountIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private static final long REMEMBER_NANOS = 60_000_000_000L;
    /** In its last 10 s a remembered check is renewed in the background, so a client in steady use never waits for one. */
    private static final long RENEW_NANOS = 10_000_000_000L;

    private record Verified(Set<String> roles, long until) {
    }

    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    /** Checks in progress, by fingerprint: concurrent requests with the same credentials share one bcrypt. */
    private final Map<String, java.util.concurrent.CompletableFuture<Set<String>>> checking = new ConcurrentHashMap<>();
    /** Runs the background renewals (a bcrypt and a query each): a thread of its own, started on first use. */
    private final java.util.concurrent.ExecutorService renewals = java.util.concurrent.Executors.newSingleThreadExecutor(
            io.footfall.core.store.ProcessingThreads.named("credential-renewal", true));

    @Inject
    DataSource dataSource;
    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;
    @Inject
    SignInThrottle throttle;
    @Inject
    AdminSessions sessions;
    @Inject
    io.footfall.core.audit.AuditTrail audit;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "footfall.auth.mode", defaultValue = "local")
    String mode;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.auth.form.post-location", defaultValue = "/j_security_check")
    String formPostLocation;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        if (AuthMode.parse(mode) != AuthMode.LOCAL) {
            // with Keycloak, Keycloak is the only authority: local accounts (and HTTP Basic) are refused
            return Uni.createFrom().failure(new AuthenticationFailedException("local accounts are disabled"));
        }
        return context.runBlocking(() -> {
            String username = request.getUsername();
            String password = new String(request.getPassword().getPassword());
            String fingerprint = fingerprint(username, password);
            Verified hit = verified.get(fingerprint);
            Set<String> roles;
            long now = System.nanoTime();
            if (hit != null && hit.until() > now) {
                roles = hit.roles();
                if (hit.until() - now < RENEW_NANOS && !checking.containsKey(fingerprint)) {
                    renewals.execute(() -> {
                        try {
                            checkOnce(fingerprint, username, password);
                        } catch (RuntimeException e) {
                            // refused now (changed elsewhere): the next request checks and is refused itself
                        }
                    });
                }
            } else {
                // not remembered as correct: a guess may be slowed (SignInThrottle), never a remembered password
                String client = clientAddress(request);
                long wait = throttle.waitSeconds(username, client);
                if (wait > 0) {
                    metrics.counter("footfall.auth.throttled").increment();
                    throw new AuthenticationFailedException("too many failed sign-ins", new SignInThrottled(wait));
                }
                try {
                    roles = checkOnce(fingerprint, username, password);
                } catch (AuthenticationFailedException e) {
                    if (e.getCause() instanceof InvalidCredentials) {
                        throttle.failed(username, client);
                    }
                    throw e;
                }
                throttle.succeeded(username, client);
            }
            startSessionIfFormLogin(request, username);
            return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(username)).addRoles(roles).build();
        });
    }

    /** Checks the credentials, or waits for the check another request with the same credentials is running. */
    private Set<String> checkOnce(String fingerprint, String username, String password) {
        java.util.concurrent.CompletableFuture<Set<String>> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Set<String>> running = checking.putIfAbsent(fingerprint, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof AuthenticationFailedException failed) {
                    throw failed;
                }
                throw new AuthenticationFailedException("cannot check the credentials", e.getCause());
            }
        }
        try {
            Set<String> roles = check(username, password);
            verified.put(fingerprint, new Verified(roles, System.nanoTime() + REMEMBER_NANOS));
            mine.complete(roles);
            return roles;
        } catch (RuntimeException e) {
            verified.remove(fingerprint);
            mine.completeExceptionally(e);
            throw e;
        } finally {
            checking.remove(fingerprint, mine);
        }
    }

    /** A bcrypt hash (cost 10, as accounts have) that no password matches in practice: checked for unknown names. */
    private static final String UNKNOWN_ACCOUNT_HASH = BcryptUtil.bcryptHash(java.util.UUID.randomUUID().toString());

    private Set<String> check(String username, String password) {
        metrics.counter("footfall.auth.password.checks").increment();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT password_hash, roles FROM account WHERE username = ?")) {
            select.setString(1, username);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    // as long as a wrong password takes, so the answer's time does not tell which accounts exist
                    BcryptUtil.matches(password, UNKNOWN_ACCOUNT_HASH);
                    throw InvalidCredentials.failure();
                }
                if (!BcryptUtil.matches(password, rs.getString(1))) {
                    throw InvalidCredentials.failure();
                }
                return Arrays.stream(rs.getString(2).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
            }
        } catch (SQLException e) {
            throw new AuthenticationFailedException("cannot read accounts", e);
        }
    }

    /**
     * A successful form login (the admin UI's sign-in) starts a server-side session and sets its token cookie next to
     * the session cookie Quarkus sets; HTTP Basic requests start none.
     */
    private void startSessionIfFormLogin(UsernamePasswordAuthenticationRequest request, String username) {
        io.vertx.ext.web.RoutingContext context = io.quarkus.vertx.http.runtime.security.HttpSecurityUtils.getRoutingContextAttribute(request);
        if (context == null || context.request().method() != io.vertx.core.http.HttpMethod.POST
                || !formPostLocation.equals(context.normalizedPath())) {
            return;
        }
        String token = sessions.open(username);
        audit.record(username, "POST " + formPostLocation, java.util.Map.of(), 302);
        io.vertx.core.http.Cookie cookie = io.vertx.core.http.Cookie.cookie(AdminSessions.COOKIE, token).setPath("/").setHttpOnly(true)
                .setSameSite(io.vertx.core.http.CookieSameSite.STRICT).setSecure("https".equalsIgnoreCase(context.request().scheme()));
        context.response().addCookie(cookie);
    }

    /** The cause of a refusal for a wrong password or an unknown account (as opposed to a check that could not run). */
    private static final class InvalidCredentials extends RuntimeException {
        private InvalidCredentials() {
            super("invalid credentials", null, false, false);
        }

        static AuthenticationFailedException failure() {
            return new AuthenticationFailedException("invalid credentials", new InvalidCredentials());
        }
    }

    /** The client's address as the HTTP layer sees it (behind a proxy: as its forwarding settings resolve it). */
    private static String clientAddress(UsernamePasswordAuthenticationRequest request) {
        io.vertx.ext.web.RoutingContext context = io.quarkus.vertx.http.runtime.security.HttpSecurityUtils.getRoutingContextAttribute(request);
        return context == null ? "" : SignInThrottle.clientAddress(context.request());
    }

    /** Forgets remembered credentials (after a password or role change). */
    public void forgetAll() {
        verified.clear();
    }

    private static String fingerprint(String username, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(username.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return HexFormat.of().formatHex(sha.digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
