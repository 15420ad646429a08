package io.footfall.core.privacy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.core.plugin.PluginResults;
import io.footfall.core.profile.ProfileQueries;
import io.footfall.core.profile.ProfileView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A customer's own data, as one JSON document (GDPR art. 15 and 20: access and portability): the counterpart of
 * {@link Erasure}, over the same stores. It holds the person's identifiers, the live profile with its traits, every
 * event of the person in the log with its personal data opened, the failed events attributed to the person (raw, as
 * received), and what plugins published about them (segments, scores). Written as it is read, a page of events at a
 * time, so a person with a long history costs no more memory than a short one.
 */
@ApplicationScoped
public class CustomerExport {

    /** Events read per page. */
    private static final int PAGE = 500;

    @Inject
    DataSource dataSource;
    @Inject
    ProfileQueries profiles;
    @Inject
    PluginResults results;

    /**
     * What the export is of, resolved before anything is written (so an unknown id can still be answered 404).
     *
     * @param id          the id asked for
     * @param identifiers the person's linked identifiers (its events are theirs)
     * @param profile     the live profile
     * @param scope       every identifier its data may be kept under, as {@link Erasure#scope} finds them
     */
    public record Subject(String id, List<String> identifiers, ProfileView profile, Set<String> scope) {
    }

    /** The person the id belongs to (user id, anonymous id or person id); empty when unknown or erased. */
    public Optional<Subject> find(String id) {
        Optional<List<String>> identifiers = profiles.identifiers(id);
        Optional<ProfileView> profile = profiles.live(id);
        if (identifiers.isEmpty() || profile.isEmpty()) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection()) {
            return Optional.of(new Subject(id, identifiers.get(), profile.get(), Erasure.scope(c, id, profile.get().personId())));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the customer's identifiers", e);
        }
    }

    /** Writes the subject's export to the stream, in JSON. */
    public void write(Subject subject, ObjectMapper mapper, OutputStream out) throws IOException {
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("format", "footfall-customer-export/1");
            g.writeStringField("subject", subject.id());
            g.writeStringField("exportedAt", Instant.now().toString());
            g.writeObjectField("identifiers", subject.identifiers());
            g.writeObjectField("profile", subject.profile());
            g.writeArrayFieldStart("events");
            long after = -1;
            while (true) {
                ProfileQueries.EventsPage page = profiles.eventsAfter(subject.identifiers(), after, PAGE, true);
                for (ProfileQueries.TimelineItem item : page.items()) {
                    g.writeStartObject();
                    g.writeNumberField("position", item.position());
                    g.writeObjectField("event", item.event());
                    g.writeEndObject();
                }
                g.flush();
                if (page.next() == null) {
                    break;
                }
                after = page.next();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("failedEvents");
            writeFailedEvents(g, subject.scope());
            g.writeEndArray();
            g.writeArrayFieldStart("pluginResults");
            for (Object userId : Erasure.rawIds(subject.scope())) {
                for (PluginResults.StoredResult r : results.ofUser((String) userId)) {
                    g.writeObject(r);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** The failed events that name the person (the ones an erasure deletes). */
    private void writeFailedEvents(JsonGenerator g, Set<String> scope) throws IOException {
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement("SELECT id, received_at, reason, field, message, raw FROM failed_event"
                + " WHERE " + Erasure.FAILED_EVENTS_NAMING + " ORDER BY id")) {
            select.setArray(1, c.createArrayOf("varchar", scope.toArray()));
            select.setArray(2, c.createArrayOf("varchar", Erasure.rawPatterns(scope)));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    g.writeStartObject();
                    g.writeNumberField("id", rs.getLong(1));
                    g.writeStringField("receivedAt", rs.getTimestamp(2).toInstant().toString());
                    g.writeStringField("reason", rs.getString(3));
                    g.writeStringField("field", rs.getString(4));
                    g.writeStringField("message", rs.getString(5));
                    g.writeStringField("raw", rs.getString(6));
                    g.writeEndObject();
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the failed events", e);
        }
    }
}
