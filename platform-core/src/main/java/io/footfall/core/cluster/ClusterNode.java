package io.footfall.core.cluster;

import java.time.Instant;
import java.util.List;

/**
 * An instance as it announced itself in {@code cluster_instance}.
 *
 * @param node       its token-store name ({@code pid@host})
 * @param roles      its roles ({@code footfall.roles}), e.g. {@code [ingest, process, serve]}
 * @param processors the processors it runs and could hold (profile projection, contributed projections, plugins)
 * @param startedAt  when it started
 * @param seenAt     its latest heartbeat
 * @param live       whether the heartbeat is within {@code footfall.cluster.instance-timeout}
 */
public record ClusterNode(String node, List<String> roles, List<String> processors, Instant startedAt, Instant seenAt,
        boolean live) {

    /** Whether it runs the {@code process} role. */
    public boolean processes() {
        return roles.contains("process");
    }
}
