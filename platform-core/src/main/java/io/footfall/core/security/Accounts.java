package io.footfall.core.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Local accounts: create, list, change roles or password, delete. */
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
    /**
     * Creates the first account: only while there is no account at all (the bootstrap admin of a new database), so
     * that an account deleted later is not brought back by a {@code FOOTFALL_BOOTSTRAP_ADMIN} left in an environment.
     * Safe when several instances start at once: one creates it. Returns whether this call did.
     */
    @Transactional
    public boolean createFirst(String username, String password, Set<String> roles) {
        return em.createNativeQuery("INSERT INTO account (username, password_hash, roles, created_at)"
                        + " SELECT ?1, ?2, ?3, now() WHERE NOT EXISTS (SELECT 1 FROM account) ON CONFLICT (username) DO NOTHING")
                .setParameter(1, username).setParameter(2, BcryptUtil.bcryptHash(password))
                .setParameter(3, String.join(",", roles.stream().sorted().toList())).executeUpdate() == 1;
    }

    /**
     * An account as the API shows it (never its password hash).
     *
     * @param username  the account's name
     * @param roles     its roles, sorted
     * @param createdAt when it was created
     */
    public record View(String username, List<String> roles, Instant createdAt) {
    }

    @Inject
    AccountIdentityProvider basicCredentials;
    @Inject
    AdminSessions sessions;

    /** Every account, by name. */
    public List<View> list() {
        return em.createQuery("SELECT a FROM Account a ORDER BY a.username", Account.class).getResultList().stream()
                .map(Accounts::view).toList();
    }

    /** One account. */
    public Optional<View> find(String username) {
        return Optional.ofNullable(em.find(Account.class, username)).map(Accounts::view);
    }

    /**
     * Changes an account's password and/or roles (null: unchanged); empty when there is no such account. A new password
     * ends every admin UI session of the account. Takes effect at once on every instance (remembered credentials and
     * session roles are forgotten, on others through {@code ChangeNotices}).
     */
    @Transactional
    public Optional<View> update(String username, String password, Set<String> roles) {
        return update(username, password, roles, null);
    }

    /**
     * The account's own password change: ends the account's other admin UI sessions, keeps the one with
     * {@code keepSessionToken} (null when the change came over HTTP Basic: then all end).
     */
    @Transactional
    public void changeOwnPassword(String username, String password, String keepSessionToken) {
        update(username, password, null, keepSessionToken);
    }

    private Optional<View> update(String username, String password, Set<String> roles, String keepSessionToken) {
        Account account = em.find(Account.class, username);
        if (account == null) {
            return Optional.empty();
        }
        if (password != null) {
            account.passwordHash = BcryptUtil.bcryptHash(password);
            em.createNativeQuery("DELETE FROM admin_session WHERE username = ?1 AND id_hash <> ?2").setParameter(1, username)
                    .setParameter(2, keepSessionToken == null ? "" : AdminSessions.hash(keepSessionToken)).executeUpdate();
        }
        if (roles != null) {
            account.roles = String.join(",", roles.stream().sorted().toList());
        }
        forget(username);
        return Optional.of(view(account));
    }

    /** Whether the password is the account's (a bcrypt check). */
    public boolean passwordMatches(String username, String password) {
        Account account = em.find(Account.class, username);
        return account != null && BcryptUtil.matches(password, account.passwordHash);
    }

    /**
     * Deletes an account; false when there is none. Its sessions (deleted with it) and remembered credentials stop
     * working.
     */
    @Transactional
    public boolean delete(String username) {
        Account account = em.find(Account.class, username);
        if (account == null) {
            return false;
        }
        em.remove(account);
        forget(username);
        return true;
    }

    @Inject
    jakarta.transaction.TransactionSynchronizationRegistry transactions;

    /**
     * After the change commits (so that no request re-reads the old row into a cache), forgets what was remembered,
     * here and, through a notice in the change's transaction, on every other instance.
     */
    private void forget(String username) {
        em.unwrap(org.hibernate.Session.class).doWork(c -> io.footfall.core.cluster.ChangeNotices.publish(c, "account", username));
        transactions.registerInterposedSynchronization(new jakarta.transaction.Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                basicCredentials.forgetAll();
                sessions.forget(username);
            }
        });
    }

    private static View view(Account a) {
        return new View(a.username, java.util.Arrays.stream(a.roles.split(",")).map(String::trim).filter(r -> !r.isEmpty()).sorted().toList(),
                a.createdAt);
    }
}
