package io.footfall.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A seeded, reproducible storefront simulator: it plants a catalogue, taste clusters, co-purchase pairs and a
 * churn model, simulates users' sessions day by day and streams the resulting Segment messages, in timestamp
 * order, to an {@link EventSink}. The same {@link SimulatorConfig} always yields byte-identical output.
 *
 * <p>Usage:
 * <pre>{@code
 * try (NdjsonFileSink sink = new NdjsonFileSink(Path.of("events.ndjson.gz"))) {
 *     GroundTruth truth = Simulator.run(SimulatorConfig.builder().seed(7).users(10_000).build(), sink);
 * }
 * }</pre>
 *
 * <p>Memory: only one simulated day of compact planned events is held at a time, plus per-user state.
 *
 * <p>Measured rate (message rendering included, {@link CountingSink}, whole JVM pinned to one core with
 * {@code taskset}, 2-core VM, OpenJDK 17): 20,000 users × 30 days = 2.86 M messages at about 430–460 k
 * messages/s in a warmed-up JVM on an otherwise idle machine; 270–280 k/s for a cold single run of
 * {@link SimulatorMain} while other builds shared the machine. 10.05 M messages (70,000 users, unpinned, busy
 * machine) ran in a 400 MB heap at about 310 k/s.
 */
public final class Simulator {

    private final SimulatorConfig config;
    private final Storefront store;
    private final Shopper[] shoppers;
    private final ObservableHazard drivers;
    private GroundTruth truth;

    /** Plants the storefront and the users; nothing is emitted until {@link #run(EventSink)}. */
    public Simulator(SimulatorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Storefront.plant(config);
        this.drivers = config.observableHazard();
        ShopperFactory factory = new ShopperFactory(config);
        this.shoppers = new Shopper[config.users()];
        for (int i = 0; i < shoppers.length; i++) {
            shoppers[i] = factory.create(i);
        }
    }

    /** Convenience: {@code new Simulator(config).run(sink)}. */
    public static GroundTruth run(SimulatorConfig config, EventSink sink) {
        return new Simulator(config).run(sink);
    }

    /** The configuration. */
    public SimulatorConfig config() {
        return config;
    }

    /** The planted catalogue (available before the run). */
    public Catalogue catalogue() {
        return store.catalogue;
    }

    /** The planted taste clusters (available before the run). */
    public List<TasteCluster> clusters() {
        return store.clusters;
    }

    /** The planted co-purchase pairs (available before the run). */
    public List<CoPurchasePair> coPurchasePairs() {
        return store.pairs;
    }

    /**
     * Simulates every day and sends each message to {@code sink}; does not close the sink. A simulator runs once.
     *
     * @return the ground truth, also available afterwards from {@link #groundTruth()}
     * @throws IllegalStateException if this simulator has already run
     */
    public synchronized GroundTruth run(EventSink sink) {
        Objects.requireNonNull(sink, "sink");
        if (truth != null) {
            throw new IllegalStateException("a Simulator runs once; create a new one");
        }
        Pages pages = new Pages(store.catalogue);
        SessionPlanner planner = config.churnDrivers() == ChurnDrivers.OBSERVABLE
                ? new SessionPlanner(store, pages, config.coPurchaseProbability(), drivers.couponBase(), drivers.couponPerSensitivity())
                : new SessionPlanner(store, pages, config.coPurchaseProbability());
        MessageRenderer renderer = new MessageRenderer(store.catalogue, pages, config.start(), config.seed());
        long[] counts = new long[EventKind.values().length];
        List<PlannedEvent> day = new ArrayList<>();
        long start = config.start().toEpochMilli();
        boolean observable = config.churnDrivers() == ChurnDrivers.OBSERVABLE;
        for (int d = 0; d < config.days(); d++) {
            long dayStart = start + d * SessionPlanner.DAY_MS;
            for (Shopper s : shoppers) {
                if (s.churned() || d < s.arrivalDay) {
                    continue;
                }
                if (observable) {
                    if (d > s.arrivalDay) {
                        double[] terms = drivers.terms(s.features.discountSensitivity(),
                                since(s.lateTimes, dayStart - WINDOW_MS), since(s.ticketTimes, dayStart - WINDOW_MS),
                                s.features.tenureDays() + d - s.arrivalDay);
                        if (s.churnRng.nextDouble() < drivers.dailyHazard(terms)) {
                            s.churnDay = d;
                            s.churnAt = dayStart;
                            s.churnTerms = terms;
                            s.pendingDeliveries.clear();
                            continue;
                        }
                    }
                    int planned = day.size();
                    planner.planDay(s, dayStart, day);
                    service(s, dayStart, day, planned);
                    continue;
                }
                if (d > s.arrivalDay && s.churnRng.nextDouble() < s.dailyHazard) {
                    s.churnDay = d;
                    s.churnAt = dayStart;
                    continue;
                }
                planner.planDay(s, dayStart, day);
            }
            day.sort(PlannedEvent.ORDER);
            for (PlannedEvent e : day) {
                Shopper s = shoppers[e.user];
                ObjectNode message = renderer.render(e, s);
                counts[e.kind.ordinal()]++;
                s.events++;
                sink.accept(message);
            }
            day.clear();
        }
        truth = groundTruth(counts);
        return truth;
    }

    /**
     * The ground truth of the finished run.
     *
     * @throws IllegalStateException before {@link #run(EventSink)} has completed
     */
    public synchronized GroundTruth groundTruth() {
        if (truth == null) {
            throw new IllegalStateException("run() has not completed");
        }
        return truth;
    }

    private static final long WINDOW_MS = ObservableHazard.WINDOW_DAYS * SessionPlanner.DAY_MS;

    private static Map<String, Double> terms(double[] terms) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int j = 0; j < terms.length; j++) {
            out.put(ObservableHazard.DRIVERS.get(j), terms[j]);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** Number of times at or after {@code from}. */
    private static int since(List<Long> times, long from) {
        int n = 0;
        for (int i = times.size() - 1; i >= 0 && times.get(i) >= from; i--) {
            n++;
        }
        return n;
    }

    /**
     * The backend events of one user and day ({@link ChurnDrivers#OBSERVABLE}): a delivery planned for each order the
     * user placed today (events from index {@code planned} of {@code day} on), the deliveries due today, and maybe a
     * support ticket. Draws come from the user's own service stream only.
     */
    private void service(Shopper s, long dayStart, List<PlannedEvent> day, int planned) {
        java.util.SplittableRandom r = s.serviceRng;
        for (int i = planned, n = day.size(); i < n; i++) {
            PlannedEvent e = day.get(i);
            if (e.kind == EventKind.ORDER_COMPLETED && e.user == s.index) {
                boolean late = Draws.chance(r, drivers.lateProbability(s.features.deliveryDelayDays()));
                int delay = late ? 1 + Draws.poisson(r, 1.5) : 0;
                long at = dayStart + (ObservableHazard.PROMISED_DAYS + delay) * SessionPlanner.DAY_MS
                        + 8 * SessionPlanner.HOUR_MS + (long) (r.nextDouble() * 11 * SessionPlanner.HOUR_MS);
                s.pendingDeliveries.add(new long[] {at, e.number, delay});
            }
        }
        long dayEnd = dayStart + SessionPlanner.DAY_MS;
        s.pendingDeliveries.sort(java.util.Comparator.comparingLong(x -> x[0]));
        while (!s.pendingDeliveries.isEmpty() && s.pendingDeliveries.get(0)[0] < dayEnd) {
            long[] due = s.pendingDeliveries.remove(0);
            PlannedEvent delivered = new PlannedEvent(due[0], s.index, s.seq++, EventKind.ORDER_DELIVERED, s.identified(),
                    Math.max(0, s.sessions - 1));
            delivered.number = (int) due[1];
            delivered.position = (int) due[2];
            day.add(delivered);
            if (due[2] > 0) {
                s.lateDeliveries++;
                s.lateTimes.add(due[0]);
            }
        }
        if (Draws.chance(r, drivers.ticketProbability(s.features.supportTickets()))) {
            long at = dayStart + 8 * SessionPlanner.HOUR_MS + (long) (r.nextDouble() * 12 * SessionPlanner.HOUR_MS);
            PlannedEvent ticket = new PlannedEvent(at, s.index, s.seq++, EventKind.SUPPORT_TICKET_OPENED, s.identified(),
                    Math.max(0, s.sessions - 1));
            ticket.number = s.tickets++;
            ticket.subject = r.nextInt(3);
            ticket.quantity = r.nextInt(5);
            day.add(ticket);
            s.ticketTimes.add(at);
        }
    }

    private GroundTruth groundTruth(long[] counts) {
        Map<String, Long> byLabel = new LinkedHashMap<>();
        boolean observable = config.churnDrivers() == ChurnDrivers.OBSERVABLE;
        for (EventKind k : EventKind.values()) {
            if (observable || (k != EventKind.ORDER_DELIVERED && k != EventKind.SUPPORT_TICKET_OPENED)) {
                byLabel.put(k.label(), counts[k.ordinal()]);
            }
        }
        List<UserTruth> users = new ArrayList<>(shoppers.length);
        for (Shopper s : shoppers) {
            users.add(new UserTruth(s.index, s.cluster, s.anonymousId, s.userId,
                    s.identified() ? Instant.ofEpochMilli(s.identifiedAt) : null,
                    s.churned(), s.churnDay, s.churned() ? Instant.ofEpochMilli(s.churnAt) : null,
                    s.features, s.dailyHazard, s.sessionRate, s.events, s.arrivalDay,
                    s.churnTerms == null ? null : drivers.dominant(s.churnTerms),
                    s.churnTerms == null ? Map.of() : terms(s.churnTerms), s.lateDeliveries, s.tickets,
                    s.lateTimes.stream().map(Instant::ofEpochMilli).toList(),
                    s.ticketTimes.stream().map(Instant::ofEpochMilli).toList()));
        }
        return new GroundTruth(config, store.catalogue, store.clusters, store.pairs, users, byLabel);
    }
}
