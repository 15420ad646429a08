package io.footfall.core.api;

import io.footfall.core.cluster.ClusterInstances;
import io.footfall.core.cluster.ClusterNode;
import io.footfall.core.cluster.ReplayRequests;
import io.footfall.core.security.Roles;
import io.footfall.core.store.TokenPositions;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/** The instances sharing this database and which processors each one holds (ADR 0013, ADR 0018). */
@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
public class ClusterResource {

    @Inject
    ClusterInstances instances;
    @Inject
    DataSource dataSource;
    @Inject
    ReplayRequests replays;

    /**
     * One instance.
     *
     * @param node       its name in the token store ({@code pid@host})
     * @param roles      its roles
     * @param live       whether its heartbeat is recent
     * @param startedAt  when it started
     * @param seenAt     its latest heartbeat
     * @param runs       the processors it runs (and could hold)
     * @param holds      the processors it holds now (a live claim in the token store)
     * @param segments   the segments it holds, by processor (several for a processor folding on several, ADR 0021)
     */
    public record Instance(String node, List<String> roles, boolean live, Instant startedAt, Instant seenAt,
            List<String> runs, List<String> holds, Map<String, List<Integer>> segments) {
    }

    /**
     * The cluster as this instance sees it.
     *
     * @param node      the instance that answered
     * @param instances every instance that announced itself in the last hour
     * @param unclaimed processors with a stored token that nobody holds right now (a hand-over or failover in
     *                  progress, a processor retrying after an error, or one no live instance runs)
     * @param replays   replays asked of an instance that did not fold the processor: pending, or done by whom and when
     */
    public record Cluster(String node, List<Instance> instances, List<String> unclaimed, List<ReplayRequests.Request> replays) {
    }

    @GET
    public Cluster get() {
        Map<String, TreeSet<String>> holds = new TreeMap<>();
        Map<String, Map<String, List<Integer>>> segments = new TreeMap<>();
        TreeSet<String> unclaimed = new TreeSet<>();
        for (TokenPositions.Claim claim : TokenPositions.claims(dataSource)) {
            if (claim.owner() == null) {
                unclaimed.add(claim.processor());
            } else {
                holds.computeIfAbsent(claim.owner(), k -> new TreeSet<>()).add(claim.processor());
                segments.computeIfAbsent(claim.owner(), k -> new TreeMap<>()).computeIfAbsent(claim.processor(), k -> new ArrayList<>())
                        .add(claim.segment());
            }
        }
        List<Instance> list = new ArrayList<>();
        for (ClusterNode node : instances.nodes()) {
            list.add(new Instance(node.node(), node.roles(), node.live(), node.startedAt(), node.seenAt(),
                    node.processors(), List.copyOf(holds.getOrDefault(node.node(), new TreeSet<>())),
                    segments.getOrDefault(node.node(), Map.of())));
        }
        return new Cluster(instances.node(), list, List.copyOf(unclaimed), replays.all());
    }
}
