package io.footfall.core.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What this instance does, from {@code footfall.roles} ({@code FOOTFALL_ROLES}): a comma-separated subset of
 * {@code ingest} (the collectors: tracking API, Kafka topics), {@code process} (the profile projection,
 * contributed projections, plugins' processors and training schedules) and {@code serve} (the admin and
 * storefront API, the admin UI), or {@code all} (the default). Several instances share one PostgreSQL: each
 * processor runs in one instance at a time, claimed through the token store.
 */
@ApplicationScoped
public class InstanceRoles {

    /** One role of an instance. */
    public enum Role {
        /** Collectors: the tracking API and Kafka topics. */
        INGEST,
        /** Projections and plugins' processors. */
        PROCESS,
        /** The admin and storefront API and the admin UI. */
        SERVE
    }

    private final Set<Role> roles;

    InstanceRoles(@ConfigProperty(name = "footfall.roles", defaultValue = "all") String spec) {
        this.roles = parse(spec);
    }

    /**
     * Parses a roles setting.
     *
     * @throws IllegalArgumentException naming {@code footfall.roles} and the bad part
     */
    public static Set<Role> parse(String spec) {
        EnumSet<Role> parsed = EnumSet.noneOf(Role.class);
        for (String part : spec == null ? new String[0] : spec.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("all")) {
                parsed.addAll(EnumSet.allOf(Role.class));
                continue;
            }
            try {
                parsed.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("footfall.roles: unknown role '" + part.trim()
                        + "' (use ingest, process, serve or all, comma-separated)");
            }
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("footfall.roles: no role given (use ingest, process, serve or all, comma-separated)");
        }
        return parsed;
    }

    /** Whether this instance has the role. */
    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** Whether this instance runs the collectors. */
    public boolean ingest() {
        return has(Role.INGEST);
    }

    /** Whether this instance runs processors (projections, plugins). */
    public boolean process() {
        return has(Role.PROCESS);
    }

    /** Whether this instance serves the admin and storefront API and the UI. */
    public boolean serve() {
        return has(Role.SERVE);
    }

    /** The roles, lower case, for logs and status. */
    public Set<String> names() {
        return roles.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }
}
