package io.footfall.core.plugin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.store.ModelArtifact;
import io.footfall.api.store.ModelStore;
import io.footfall.api.store.ModelVersion;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A plugin's model versions in {@code plugin_model}; promotions form a stack in
 * {@code plugin_model_promotion}: promote pushes, rollback pops back to the version promoted before.
 */
final class JdbcModelStore implements ModelStore {

    private static final TypeReference<Map<String, Double>> METRICS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {
    };

    private final String pluginId;
    private final DataSource dataSource;
    private final ObjectMapper json;

    JdbcModelStore(String pluginId, DataSource dataSource, ObjectMapper json) {
        this.pluginId = pluginId;
        this.dataSource = dataSource;
        this.json = json;
    }

    @Override
    public synchronized ModelVersion save(ModelArtifact artifact) {
        return HostIo.call(() -> saveNow(artifact));
    }

    private ModelVersion saveNow(ModelArtifact artifact) {
        try (Connection c = dataSource.getConnection()) {
            int version;
            try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(MAX(version), 0) + 1 FROM plugin_model WHERE plugin_id = ?")) {
                s.setString(1, pluginId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    version = rs.getInt(1);
                }
            }
            Instant now = Instant.now();
            try (PreparedStatement s = c.prepareStatement("INSERT INTO plugin_model (plugin_id, version, bytes, metrics, metadata, created_at) "
                    + "VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?)")) {
                s.setString(1, pluginId);
                s.setInt(2, version);
                s.setBytes(3, artifact.bytes());
                s.setString(4, json.writeValueAsString(artifact.metrics()));
                s.setString(5, json.writeValueAsString(artifact.metadata()));
                s.setTimestamp(6, Timestamp.from(now));
                s.executeUpdate();
            }
            return new ModelVersion(version, now, artifact.metrics(), artifact.metadata(), false);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot save the model", e);
        }
    }

    @Override
    public List<ModelVersion> versions() {
        return HostIo.call(this::versionsNow);
    }

    private List<ModelVersion> versionsNow() {
        Optional<Integer> serving = servingVersion();
        List<ModelVersion> versions = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT version, created_at, metrics::text, metadata::text FROM plugin_model WHERE plugin_id = ? ORDER BY version DESC")) {
            s.setString(1, pluginId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    int v = rs.getInt(1);
                    versions.add(new ModelVersion(v, rs.getTimestamp(2).toInstant(), json.readValue(rs.getString(3), METRICS),
                            json.readValue(rs.getString(4), METADATA), serving.filter(x -> x == v).isPresent()));
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot read models", e);
        }
        return versions;
    }

    @Override
    public Optional<ModelVersion> serving() {
        return servingVersion().flatMap(v -> versions().stream().filter(m -> m.version() == v).findFirst());
    }

    @Override
    public Optional<ModelArtifact> load(int version) {
        return HostIo.call(() -> loadNow(version));
    }

    private Optional<ModelArtifact> loadNow(int version) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT bytes, metrics::text, metadata::text FROM plugin_model WHERE plugin_id = ? AND version = ?")) {
            s.setString(1, pluginId);
            s.setInt(2, version);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ModelArtifact(rs.getBytes(1), json.readValue(rs.getString(2), METRICS),
                        json.readValue(rs.getString(3), METADATA)));
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot read the model", e);
        }
    }

    @Override
    public synchronized ModelVersion promote(int version) {
        return HostIo.call(() -> promoteNow(version));
    }

    private ModelVersion promoteNow(int version) {
        if (load(version).isEmpty()) {
            throw new NoSuchElementException("no model version " + version);
        }
        recordPromotion(version);
        return serving().orElseThrow();
    }

    /** Pops the promotion history: the version promoted before the current one serves again. */
    @Override
    public synchronized Optional<ModelVersion> rollback() {
        return HostIo.call(this::rollbackNow);
    }

    private Optional<ModelVersion> rollbackNow() {
        List<Integer> history = promotions();
        if (history.isEmpty() || history.stream().distinct().count() < 2) {
            return Optional.empty();
        }
        int current = history.get(0);
        int popped = 0;
        while (popped < history.size() && history.get(popped) == current) {
            popped++;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM plugin_model_promotion WHERE id IN (SELECT id FROM plugin_model_promotion WHERE plugin_id = ? "
                        + "ORDER BY id DESC LIMIT ?)")) {
            s.setString(1, pluginId);
            s.setInt(2, popped);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot roll back the model", e);
        }
        return serving();
    }

    private Optional<Integer> servingVersion() {
        return HostIo.call(this::servingVersionNow);
    }

    private Optional<Integer> servingVersionNow() {
        List<Integer> history = promotions();
        return history.isEmpty() ? Optional.empty() : Optional.of(history.get(0));
    }

    /** Promoted versions, latest first. */
    private List<Integer> promotions() {
        List<Integer> raw = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT version FROM plugin_model_promotion WHERE plugin_id = ? ORDER BY id DESC")) {
            s.setString(1, pluginId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    raw.add(rs.getInt(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read model promotions", e);
        }
        return raw;
    }

    private void recordPromotion(int version) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO plugin_model_promotion (plugin_id, version, promoted_at) VALUES (?, ?, ?)")) {
            s.setString(1, pluginId);
            s.setInt(2, version);
            s.setTimestamp(3, Timestamp.from(Instant.now()));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot promote the model", e);
        }
    }
}
