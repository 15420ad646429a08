package io.footfall.core.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Turns the account name in a valid session cookie (form login) into an identity with the account's current roles,
 * provided the request also carries the token of a live sign-in ({@link AdminSessions}): a signed-out, replaced or
 * deleted session, a deleted account or a changed role takes effect within {@value AdminSessions#REMEMBER_SECONDS}
 * seconds, at once on the instance that made the change.
 */
@ApplicationScoped
public class SessionIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    @Inject
    AdminSessions sessions;

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
        RoutingContext http = HttpSecurityUtils.getRoutingContextAttribute(request);
        Cookie cookie = http == null ? null : http.request().getCookie(AdminSessions.COOKIE);
        String token = cookie == null ? null : cookie.getValue();
        return context.runBlocking(() -> {
            String username = request.getPrincipal();
            Set<String> roles = sessions.roles(token, username)
                    .orElseThrow(() -> new AuthenticationFailedException("the sign-in has ended: sign in again"));
            return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(username)).addRoles(roles).build();
        });
    }
}
