package io.footfall.core.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Set;

/** Creates local accounts. */
@ApplicationScoped
public class Accounts {

    /** Roles an account may have. */
    public static final Set<String> ROLES = Set.of(Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST, Roles.PLUGIN_DEVELOPER);

    @Inject
    EntityManager em;

    /** Creates the account unless one with that name exists; returns whether it was created. */
    @Transactional
    public boolean createIfAbsent(String username, String password, Set<String> roles) {
        if (em.find(Account.class, username) != null) {
            return false;
        }
        Account account = new Account();
        account.username = username;
        account.passwordHash = BcryptUtil.bcryptHash(password);
        account.roles = String.join(",", roles.stream().sorted().toList());
        account.createdAt = Instant.now();
        em.persist(account);
        return true;
    }
}
