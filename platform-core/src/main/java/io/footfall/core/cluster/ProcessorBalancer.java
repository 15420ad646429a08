package io.footfall.core.cluster;

import io.footfall.core.config.InstanceRoles;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.ProcessingThreads;
import io.footfall.core.store.TokenPositions;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Spreads the processors over the live {@code process} instances (ADR 0018), segment by segment for a processor that
 * folds on several (ADR 0021). Axon's tracking processors claim their
 * segments first come, first served, so the instance that starts first holds every processor and a second one only
 * waits for it to die. Every {@code footfall.cluster.balance-interval} this instance compares what it holds with the
 * least loaded live instance ({@link Rebalance}) and, when it holds at least two more, releases half the difference
 * for {@code footfall.cluster.release-for}; the other instance's processors claim them within their claim interval
 * and go on from the stored token, so nothing is folded twice or skipped.
 */
@ApplicationScoped
public class ProcessorBalancer {

    private static final Logger LOG = Logger.getLogger(ProcessorBalancer.class);

    @Inject
    ClusterInstances instances;
    @Inject
    InstanceRoles roles;
    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "footfall.cluster.balance", defaultValue = "true")
    boolean enabled;
    @ConfigProperty(name = "footfall.cluster.balance-interval", defaultValue = "PT5S")
    Duration interval;
    @ConfigProperty(name = "footfall.cluster.release-for", defaultValue = "PT12S")
    Duration releaseFor;

    private ScheduledExecutorService scheduler;

    void start(@Observes @Priority(61) StartupEvent startup) {
        if (!enabled || !roles.process()) {
            return;
        }
        scheduler = ProcessingThreads.every("cluster-balancer", interval, this::balance, LOG, "processor balancing");
    }

    void stop(@Observes @Priority(4) ShutdownEvent shutdown) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** One round: what this instance holds against the least loaded live instance; releases what should move. */
    List<String> balance() {
        Map<String, StreamingEventProcessor> running = instances.runningProcessors();
        String self = instances.node();
        Map<String, Set<String>> runsByPeer = new HashMap<>();
        Set<String> balanced = new HashSet<>(running.keySet());
        for (ClusterNode node : instances.nodes()) {
            if (node.live() && node.processes() && !node.node().equals(self)) {
                runsByPeer.put(node.node(), Set.copyOf(node.processors()));
                balanced.addAll(node.processors());
            }
        }
        if (runsByPeer.isEmpty()) {
            return List.of();
        }
        // the units are segments: a processor folding on several (ADR 0021) is spread segment by segment
        Map<String, Integer> held = new HashMap<>();
        Map<String, Map<String, Integer>> heldByProcessor = new HashMap<>();
        Map<String, Integer> segments = new HashMap<>();
        Map<String, List<String>> mineByProcessor = new HashMap<>();
        Set<String> unclaimed = new TreeSet<>();
        for (TokenPositions.Claim claim : TokenPositions.claims(dataSource)) {
            if (!balanced.contains(claim.processor())) {
                continue;
            }
            segments.merge(claim.processor(), 1, Integer::sum);
            String unit = Rebalance.unit(claim.processor(), claim.segment());
            if (claim.owner() == null) {
                unclaimed.add(unit);
            } else if (claim.owner().equals(self)) {
                mineByProcessor.computeIfAbsent(claim.processor(), k -> new ArrayList<>()).add(unit);
            } else {
                held.merge(claim.owner(), 1, Integer::sum);
                heldByProcessor.computeIfAbsent(claim.owner(), k -> new HashMap<>()).merge(claim.processor(), 1, Integer::sum);
            }
        }
        List<String> mine = new ArrayList<>();
        for (String name : running.keySet()) {
            mine.addAll(mineByProcessor.getOrDefault(name, List.of()));
        }
        List<Rebalance.Peer> peers = new ArrayList<>();
        runsByPeer.forEach((node, runs) -> peers.add(new Rebalance.Peer(node, runs, held.getOrDefault(node, 0),
                heldByProcessor.getOrDefault(node, Map.of()))));
        List<String> release = Rebalance.choose(mine, peers, unclaimed, segments);
        for (String unit : release) {
            running.get(Rebalance.processor(unit)).releaseSegment(Rebalance.segment(unit), releaseFor.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!release.isEmpty()) {
            LOG.infof("handing %s over to the other instances (held here: %d, live peers: %d)", release, mine.size(), peers.size());
        }
        return release;
    }
}
