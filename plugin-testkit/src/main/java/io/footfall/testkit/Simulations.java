package io.footfall.testkit;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.simulator.GroundTruth;
import io.footfall.simulator.Simulator;
import io.footfall.simulator.SimulatorConfig;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs the storefront simulator and maps every message through the collectors' Segment mapping.
 *
 * @since 0.1
 */
public final class Simulations {

    /** The source id simulated events carry. */
    public static final String SOURCE = "simulator";

    /**
     * Simulated canonical events with the truth the simulator planted.
     *
     * @param events the events, in time order (stable: ties keep the simulator's order)
     * @param truth  what the simulator planted and counted
     * @since 0.1
     */
    public record Simulation(List<BehaviorEvent> events, GroundTruth truth) {

        /** Copies the list. */
        public Simulation {
            events = List.copyOf(events);
            Objects.requireNonNull(truth, "truth");
        }
    }

    private static final int CACHED = 4;
    private static final Map<SimulatorConfig, SoftReference<Simulation>> CACHE = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SimulatorConfig, SoftReference<Simulation>> eldest) {
            return size() > CACHED;
        }
    };

    private Simulations() {
    }

    /**
     * A small simulation for plugin tests: 100 users over 7 days (about 4,000 events), seed 7.
     */
    public static SimulatorConfig small() {
        return SimulatorConfig.builder().seed(7).users(100).days(7).build();
    }

    /**
     * Runs a simulation and maps its messages. The simulation is deterministic, so the last few results are kept
     * (softly referenced) and handed out again for an equal configuration: the conformance checks run the same
     * small simulation several times.
     *
     * @throws IllegalStateException if a simulated message does not map (a bug in the simulator or the mapping)
     */
    public static Simulation run(SimulatorConfig config) {
        Objects.requireNonNull(config, "config");
        synchronized (CACHE) {
            SoftReference<Simulation> ref = CACHE.get(config);
            Simulation cached = ref == null ? null : ref.get();
            if (cached != null) {
                return cached;
            }
        }
        Simulation sim = simulate(config);
        synchronized (CACHE) {
            CACHE.put(config, new SoftReference<>(sim));
        }
        return sim;
    }

    private static Simulation simulate(SimulatorConfig config) {
        List<BehaviorEvent> events = new ArrayList<>();
        GroundTruth truth = Simulator.run(config, message -> {
            try {
                events.add(SegmentEvents.map(message, SOURCE));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("a simulated message does not map: " + e.getMessage() + ": " + message, e);
            }
        });
        events.sort(Comparator.comparing(BehaviorEvent::occurredAt));
        return new Simulation(events, truth);
    }
}
