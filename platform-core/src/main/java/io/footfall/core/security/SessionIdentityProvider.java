package io.footfall.core.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Turns the account name in a valid session cookie (form login) into an identity with the account's current roles:
 * a deleted account or a changed role takes effect within {@value #REMEMBER_SECONDS} seconds, without signing out.
 */
@ApplicationScoped
public class SessionIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    static final int REMEMBER_SECONDS = 30;

    private record Known(Set<String> roles, long until) {
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "footfall.auth.mode", defaultValue = "local")
    String mode;

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
        if (AuthMode.parse(mode) != AuthMode.LOCAL) {
            return Uni.createFrom().failure(new AuthenticationFailedException("local sessions are disabled"));
        }
        return context.runBlocking(() -> {
            String username = request.getPrincipal();
            Known hit = known.get(username);
            Set<String> roles;
            if (hit != null && hit.until() > System.nanoTime()) {
                roles = hit.roles();
            } else {
                roles = roles(username);
                known.put(username, new Known(roles, System.nanoTime() + REMEMBER_SECONDS * 1_000_000_000L));
            }
            return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(username)).addRoles(roles).build();
        });
    }

    /** Forgets the account's remembered roles: its next request reads them (or finds the account gone). */
    public void forget(String username) {
        known.remove(username);
    }

    private Set<String> roles(String username) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT roles FROM account WHERE username = ?")) {
            select.setString(1, username);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new AuthenticationFailedException("the session's account no longer exists");
                }
                return Arrays.stream(rs.getString(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
            }
        } catch (SQLException e) {
            throw new AuthenticationFailedException("cannot read accounts", e);
        }
    }
}
