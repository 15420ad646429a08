package io.footfall.core.privacy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/** Identifiers of erased people, which projections skip (live and on replay). */
@ApplicationScoped
public class ErasedSubjects {

    @Inject
    DataSource dataSource;

    private volatile Set<String> erased;

    /** True if this identifier was erased. */
    public boolean contains(String identifier) {
        return identifier != null && erased().contains(identifier);
    }

    /** Records identifiers as erased once the erasing transaction committed. */
    public void add(Set<String> identifiers) {
        erased().addAll(identifiers);
    }

    private Set<String> erased() {
        Set<String> set = erased;
        if (set == null) {
            synchronized (this) {
                if (erased == null) {
                    Set<String> loaded = ConcurrentHashMap.newKeySet();
                    try (Connection c = dataSource.getConnection();
                         PreparedStatement select = c.prepareStatement("SELECT identifier FROM erased_subject");
                         ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            loaded.add(rs.getString(1));
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException("cannot read erased subjects", e);
                    }
                    erased = loaded;
                }
                set = erased;
            }
        }
        return set;
    }
}
