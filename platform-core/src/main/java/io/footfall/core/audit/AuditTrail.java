package io.footfall.core.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The audit trail of the admin API ({@code admin_audit}, append-only): who changed what, and the answer's status.
 * Written by {@link AuditFilter}, read by {@code GET /api/v1/audit}.
 */
@ApplicationScoped
public class AuditTrail {

    /**
     * One change made through the admin API.
     *
     * @param id     position in the trail (ascending)
     * @param at     when it was answered
     * @param actor  the signed-in account (or Keycloak user) that made it
     * @param action the method and the endpoint's path template, e.g. {@code PATCH /api/v1/accounts/{username}}
     * @param target the path parameters; those naming a person as {@code sha256:<16 hex digits>}
     * @param status the HTTP status of the answer
     */
    public record Entry(long id, Instant at, String actor, String action, Map<String, String> target, int status) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AuditTrail.class);

    @Inject
    DataSource dataSource;
    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    /**
     * Appends an entry. Never throws: a failed write (the database gone at that moment) is counted in
     * {@code footfall_audit_failed_total} and logged without the entry's details, and the change it describes stands.
     */
    public void record(String actor, String action, Map<String, String> target, int status) {
        try {
            append(actor, action, target, status);
        } catch (RuntimeException e) {
            metrics.counter("footfall.audit.failed").increment();
            LOG.warnf("could not append %s to the audit trail: %s", action, e.getMessage());
        }
    }

    private void append(String actor, String action, Map<String, String> target, int status) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO admin_audit (actor, action, target, status) VALUES (?, ?, ?::jsonb, ?)")) {
            insert.setString(1, clip(actor, 200));
            insert.setString(2, clip(action, 300));
            insert.setString(3, JSON.writeValueAsString(target));
            insert.setInt(4, status);
            insert.executeUpdate();
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot append to the audit trail", e);
        }
    }

    /**
     * The latest entries before {@code before} (null: from the newest), newest first, optionally of one actor and of one
     * person (a customer, profile or user id, matched through its recorded hash).
     */
    public List<Entry> list(String actor, String person, Long before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, target::text, status FROM admin_audit WHERE true");
        List<Object> args = new ArrayList<>();
        if (actor != null) {
            sql.append(" AND actor = ?");
            args.add(actor);
        }
        if (person != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM jsonb_each_text(target) t WHERE t.value = ?)");
            args.add(AuditFilter.pseudonym(person));
        }
        if (before != null) {
            sql.append(" AND id < ?");
            args.add(before);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                select.setObject(i + 1, args.get(i));
            }
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    @SuppressWarnings("unchecked")
                    Map<String, String> target = JSON.readValue(rs.getString(5), Map.class);
                    entries.add(new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), target,
                            rs.getInt(6)));
                }
            }
            return entries;
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot read the audit trail", e);
        }
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
