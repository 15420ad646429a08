package io.footfall.core.cluster;

import io.footfall.core.config.SafeErrors;
import io.footfall.core.security.AccountIdentityProvider;
import io.footfall.core.security.AdminSessions;
import io.footfall.core.source.SourceRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Tells every instance at once that an account, a sign-in or a source changed, so that what each remembers of them
 * (checked passwords for a minute, sessions for 10 s, write keys for 30 s) is forgotten everywhere, not only on the
 * instance that made the change. PostgreSQL's {@code LISTEN}/{@code NOTIFY} carries the notices: a change publishes
 * one in its own transaction ({@link #publish}), PostgreSQL delivers it when, and only if, that transaction commits,
 * and each instance listens on one connection of its pool. An instance that loses its listening connection forgets
 * everything it remembered before it listens again, since it may have missed notices meanwhile.
 *
 * <p>Payloads are {@code account:<username>}, {@code session:<username>} and {@code source:<id>}: operators' account
 * names and source ids, never a shopper's data.
 */
@ApplicationScoped
public class ChangeNotices {

    private static final Logger LOG = Logger.getLogger(ChangeNotices.class);
    /** The PostgreSQL channel. */
    static final String CHANNEL = "footfall_changes";

    @Inject
    DataSource dataSource;
    @Inject
    AccountIdentityProvider credentials;
    @Inject
    AdminSessions sessions;
    @Inject
    SourceRegistry sources;

    private volatile boolean running;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Thread listener;

    /**
     * Publishes a notice in the connection's current transaction (delivered at its commit; at once in auto-commit).
     *
     * @param kind {@code account}, {@code session} or {@code source}
     * @param key  the account name or source id
     */
    public static void publish(Connection connection, String kind, String key) throws SQLException {
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, CHANNEL);
            notify.setString(2, kind + ':' + key);
            notify.execute();
        }
    }

    void start(@Observes @Priority(61) StartupEvent startup) {
        running = true;
        listener = new Thread(this::listen, "change-notices");
        listener.setDaemon(true);
        listener.start();
    }

    void stop(@Observes @Priority(3) ShutdownEvent shutdown) {
        running = false;
        stopped.countDown();
        if (listener != null) {
            try {
                listener.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void listen() {
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                forgetEverything(); // notices sent before LISTEN took effect were not heard
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notices = pg.getNotifications(1_000);
                    if (notices != null) {
                        for (PGNotification notice : notices) {
                            apply(notice.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("not listening for changes made on other instances, retrying in 1 s: %s", SafeErrors.describe(e));
                try {
                    if (stopped.await(1, TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Forgets what the notice's change made stale. */
    void apply(String payload) {
        int colon = payload.indexOf(':');
        String kind = colon < 0 ? payload : payload.substring(0, colon);
        String key = colon < 0 ? "" : payload.substring(colon + 1);
        switch (kind) {
            case "account" -> {
                credentials.forgetAll();
                sessions.forget(key);
            }
            case "session" -> sessions.forget(key);
            case "source" -> sources.forget(key);
            default -> forgetEverything(); // from a newer version: be safe
        }
    }

    private void forgetEverything() {
        credentials.forgetAll();
        sessions.forgetAll();
        sources.forgetAll();
    }
}
