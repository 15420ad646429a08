package io.footfall.core.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.core.store.EventJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Reads the results read model ({@code plugin_result}). */
@ApplicationScoped
public class PluginResults {

    @Inject
    DataSource dataSource;

    private final ObjectMapper json = EventJson.create();

    /**
     * A stored result.
     *
     * @param pluginId   plugin
     * @param type       result type
     * @param key        result key
     * @param userId     user, if any
     * @param result     the result record
     * @param position   log position of the result event
     * @param recordedAt when it was published
     */
    public record StoredResult(String pluginId, String type, String key, String userId, JsonNode result, long position, Instant recordedAt) {
    }

    /** Results of a plugin, optionally of one type, by key after {@code afterKey}. */
    public List<StoredResult> ofPlugin(String pluginId, String type, String afterKey, int limit) {
        return query("WHERE plugin_id = ? AND (CAST(? AS VARCHAR) IS NULL OR result_type = ?) AND result_key > ? ORDER BY result_key LIMIT ?",
                pluginId, type, type, afterKey == null ? "" : afterKey, limit);
    }

    /** All plugins' current results about one user. */
    public List<StoredResult> ofUser(String userId) {
        return query("WHERE user_id = ? ORDER BY plugin_id, result_type, result_key LIMIT 1000", userId);
    }

    /**
     * Current association rules of a plugin whose left-hand side is exactly the one item, strongest first
     * (confidence, then lift, then support, then key); rules withdrawn with confidence 0 are left out.
     */
    public List<StoredResult> rulesFrom(String pluginId, String item, int limit) {
        String keyPrefix = item.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "=>%";
        String antecedent;
        try {
            antecedent = json.writeValueAsString(List.of(item));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        return query("WHERE plugin_id = ? AND result_type = 'ASSOCIATION_RULE' AND result_key LIKE ? ESCAPE '\\' "
                        + "AND payload -> 'antecedent' = CAST(? AS JSONB) AND (payload ->> 'confidence')::float8 > 0 "
                        + "ORDER BY (payload ->> 'confidence')::float8 DESC, (payload ->> 'lift')::float8 DESC, "
                        + "(payload ->> 'support')::float8 DESC, result_key LIMIT ?",
                pluginId, keyPrefix, antecedent, limit);
    }

    /** The current {@code RankedItems} result of a plugin with this key (e.g. {@code recommended:user:u-1}), if any. */
    public java.util.Optional<StoredResult> rankedItems(String pluginId, String key) {
        return query("WHERE plugin_id = ? AND result_type = 'RANKED_ITEMS' AND result_key = ?", pluginId, key).stream().findFirst();
    }

    /** The current result of a plugin with this type and key, if any. */
    public java.util.Optional<StoredResult> byKey(String pluginId, String type, String key) {
        return query("WHERE plugin_id = ? AND result_type = ? AND result_key = ?", pluginId, type, key).stream().findFirst();
    }

    /** Per segment, how many users a plugin's current {@code SegmentMembership} results hold in it. */
    public java.util.Map<String, Long> segmentSizes(String pluginId) {
        java.util.Map<String, Long> sizes = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT payload ->> 'segment', count(*) FROM plugin_result WHERE plugin_id = ? AND result_type = 'SEGMENT_MEMBERSHIP' "
                        + "AND payload -> 'member' = 'true'::jsonb GROUP BY 1")) {
            s.setString(1, pluginId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    sizes.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read plugin results", e);
        }
        return sizes;
    }

    /**
     * The current members of a segment (a plugin's {@code SegmentMembership} results with {@code member = true}), by
     * user id after {@code afterUser}, at most {@code limit}.
     */
    public List<StoredResult> segmentMembers(String pluginId, String segment, String afterUser, int limit) {
        String prefix = segment + ":";
        String like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return query("WHERE plugin_id = ? AND result_type = 'SEGMENT_MEMBERSHIP' AND result_key LIKE ? ESCAPE '\\' "
                        + "AND result_key > ? AND payload ->> 'segment' = ? AND payload -> 'member' = 'true'::jsonb "
                        + "ORDER BY result_key LIMIT ?",
                pluginId, like, prefix + (afterUser == null ? "" : afterUser), segment, limit);
    }

    /**
     * A user's score with other scores of the same user.
     *
     * @param userId the user
     * @param scores the ranked score first, then the joined ones in the order asked (null where the user has none)
     */
    public record UserScores(String userId, List<StoredResult> scores) {
    }

    /**
     * A plugin's {@code UserScore}s named {@code name}, highest score first (ties by user id), each with the same
     * user's scores named {@code with} (key {@code <name>:<user id>}); only users whose {@code valueName} score is at
     * least {@code minValue} (when given; a missing one counts as 0); keyset paging after ({@code beforeScore},
     * {@code afterUser}) when given.
     */
    public List<UserScores> rankedUserScores(String pluginId, String name, List<String> with, String valueName, Double minValue,
                                             Double beforeScore, String afterUser, int limit) {
        StringBuilder sql = new StringBuilder("SELECT m.plugin_id, m.result_type, m.result_key, m.user_id, m.payload::text, m.position, m.recorded_at");
        for (int j = 0; j < with.size(); j++) {
            sql.append(", j").append(j).append(".result_key, j").append(j).append(".payload::text, j").append(j)
                    .append(".position, j").append(j).append(".recorded_at");
        }
        sql.append(" FROM plugin_result m");
        List<Object> args = new ArrayList<>();
        for (int j = 0; j < with.size(); j++) {
            sql.append(" LEFT JOIN plugin_result j").append(j).append(" ON j").append(j).append(".plugin_id = m.plugin_id AND j")
                    .append(j).append(".result_type = 'USER_SCORE' AND j").append(j).append(".result_key = ? || m.user_id");
            args.add(with.get(j) + ":");
        }
        String like = (name + ":").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        // the predicates and the order match the partial index plugin_result_user_score_rank (V9)
        sql.append(" WHERE m.plugin_id = ? AND m.result_type = 'USER_SCORE' AND jsonb_typeof(m.payload -> 'score') = 'number'"
                + " AND m.result_key LIKE ? ESCAPE '\\' AND m.payload ->> 'name' = ?");
        args.add(pluginId);
        args.add(like);
        args.add(name);
        int value = with.indexOf(valueName);
        if (minValue != null) {
            if (value < 0) {
                throw new IllegalArgumentException("the value score must be one of the joined ones");
            }
            sql.append(" AND COALESCE((j").append(value).append(".payload ->> 'score')::float8, 0) >= ?");
            args.add(minValue);
        }
        if (beforeScore != null) {
            // the first bound is a range on the index, so that a page starts where the previous one ended
            sql.append(" AND (m.payload ->> 'score')::float8 <= ?"
                    + " AND ((m.payload ->> 'score')::float8 < ? OR ((m.payload ->> 'score')::float8 = ? AND m.user_id > ?))");
            args.add(beforeScore);
            args.add(beforeScore);
            args.add(beforeScore);
            args.add(afterUser == null ? "" : afterUser);
        }
        sql.append(" ORDER BY (m.payload ->> 'score')::float8 DESC, m.user_id LIMIT ?");
        args.add(limit);
        List<UserScores> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    List<StoredResult> scores = new ArrayList<>();
                    String user = rs.getString(4);
                    scores.add(new StoredResult(rs.getString(1), rs.getString(2), rs.getString(3), user,
                            json.readTree(rs.getString(5)), rs.getLong(6), rs.getTimestamp(7).toInstant()));
                    for (int j = 0; j < with.size(); j++) {
                        int col = 8 + 4 * j;
                        String key = rs.getString(col);
                        scores.add(key == null ? null : new StoredResult(pluginId, "USER_SCORE", key, user,
                                json.readTree(rs.getString(col + 1)), rs.getLong(col + 2), rs.getTimestamp(col + 3).toInstant()));
                    }
                    out.add(new UserScores(user, java.util.Collections.unmodifiableList(scores)));
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot read plugin results", e);
        }
        return out;
    }

    private List<StoredResult> query(String where, Object... args) {
        List<StoredResult> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT plugin_id, result_type, result_key, user_id, payload::text, position, recorded_at FROM plugin_result " + where)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredResult(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            json.readTree(rs.getString(5)), rs.getLong(6), rs.getTimestamp(7).toInstant()));
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot read plugin results", e);
        }
        return out;
    }
}
