package io.footfall.testkit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.footfall.api.config.ConfigError;
import io.footfall.api.config.ConfigProperty;
import io.footfall.api.config.ConfigSpec;
import io.footfall.api.config.ConfigType;
import io.footfall.api.config.InvalidConfigException;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.StandardEvent;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.Partitioning;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.SpiVersion;
import io.footfall.api.result.Result;
import io.footfall.api.result.ResultType;
import io.footfall.simulator.SimulatorConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The conformance checks every mining plugin passes. A plugin's test extends this class:
 *
 * <pre>{@code
 * class MyPluginConformanceTest extends PluginConformanceTest {
 *     protected MiningPlugin newPlugin() { return new MyPlugin(); }
 *     protected Map<String, String> validConfig() { return Map.of("api-url", "http://localhost"); } // optional
 * }
 * }</pre>
 *
 * <p>Each check is its own test: descriptor validity and stability, configuration spec (defaults, unknown,
 * out-of-bounds, ill-typed and missing values), replay, determinism, declared result types, clean close
 * without leaked threads, events without properties, the {@link ServiceLoader} registration, and for a plugin
 * folded by person ({@link Partitioning#BY_PERSON}) that people folded apart give the same state. The
 * behavioural checks run a small seeded simulation ({@link #simulation()}, 100 users × 7 days by default) and
 * train once with the cutoff {@link #trainingCutoff(SimulatorConfig)}.
 *
 * <p>A check may be overridden (the test methods are public) to skip it with a reason, but the host relies on
 * every one of these properties.
 *
 * @since 0.1
 */
public abstract class PluginConformanceTest {

    /** Name of the unknown property offered to the config spec. */
    static final String UNKNOWN_PROPERTY = "conformance-unknown-property";

    /** A fresh, unopened instance of the plugin under test. */
    protected abstract MiningPlugin newPlugin();

    /** A configuration that validates; must give every required property. The default is empty. */
    protected Map<String, String> validConfig() {
        return Map.of();
    }

    /** The simulation the behavioural checks feed. Defaults to {@link Simulations#small()}. */
    protected SimulatorConfig simulation() {
        return Simulations.small();
    }

    /** The cutoff of the training run the behavioural checks make: the end of the simulation by default. */
    protected Instant trainingCutoff(SimulatorConfig simulation) {
        return simulation.start().plus(Duration.ofDays(simulation.days()));
    }

    /**
     * When the processor moves to another instance in {@link #anotherInstanceGoesOnAlike()}: the history before it is
     * fed and trained on by the first instance. Four fifths into the simulation by default.
     *
     * @since 0.3
     */
    protected Instant handOverAt(SimulatorConfig simulation) {
        return simulation.start().plus(Duration.ofDays(simulation.days()).multipliedBy(4).dividedBy(5));
    }

    /**
     * Whether {@link #foldsPeopleApartAlike()} expects the latest results of people folded apart to equal those of the
     * log folded in order. True by default: a plugin whose results are each computed from one person's state publishes
     * the same results however people are folded. A plugin whose results also read figures every person's events add
     * to — kept in one share per part ({@link io.footfall.api.store.StateStore#partKey}) and merged when read, such as
     * an item's popularity or co-visitation — computes each result from the shares as they stand at that moment, so it
     * depends on how far the other parts had got: such a plugin answers false, the check then asks only for the same
     * results (the same keys, before and after training) and the same state outside the parts, and the plugin's own
     * tests must measure how close the results come (the recommender's {@code FoldedApartTest} does).
     *
     * @since 1.10
     */
    protected boolean sameResultsWhenFoldedApart() {
        return true;
    }

    /**
     * A harness for a fresh instance with {@link #validConfig()}, not opened. Override to add profiles or
     * a clock the plugin needs.
     */
    protected PluginHarness harness() {
        return PluginHarness.of(newPlugin()).config(validConfig());
    }

    /**
     * True for threads the closed-cleanly check ignores because the JVM or the test runner owns them.
     * Override to add more.
     */
    protected boolean isForeignThread(Thread thread) {
        String name = thread.getName();
        return name.startsWith("ForkJoinPool.commonPool-worker") || name.startsWith("surefire")
                || name.equals("Attach Listener") || name.equals("process reaper") || name.equals("Common-Cleaner")
                || name.equals("Keep-Alive-Timer") || name.startsWith("junit-") || name.startsWith("JFR ");
    }

    // ---------------------------------------------------------------- descriptor

    /** Id pattern, version, SPI compatibility, name, description, produces and consumes. */
    @Test
    @DisplayName("descriptor: id, version, SPI version, name, description, produced types")
    public void descriptorIsValid() {
        PluginDescriptor d = newPlugin().descriptor();
        assertNotNull(d, "descriptor() returned null");
        assertAll("descriptor of " + d.id(),
                () -> assertTrue(d.id().matches("[a-z][a-z0-9-]{1,62}"), "id must match [a-z][a-z0-9-]{1,62}: " + d.id()),
                () -> assertTrue(d.version().matches("\\d+(\\.\\d+)*([-+.][0-9A-Za-z.+-]+)?"),
                        "version must look like 1.2.0: '" + d.version() + "'"),
                () -> assertTrue(SpiVersion.isCompatible(d.spiVersion()),
                        "spiVersion " + d.spiVersion() + " is not compatible with this SPI " + SpiVersion.CURRENT),
                () -> assertFalse(d.name().isBlank(), "name is blank"),
                () -> assertFalse(d.description().isBlank(), "description is blank"),
                () -> assertFalse(d.produces().isEmpty(), "produces declares no result type"),
                () -> assertTrue(d.consumes().stream().allMatch(c -> !c.isBlank() && c.equals(c.trim())),
                        "consumes has a blank or untrimmed label: " + d.consumes()),
                () -> assertTrue(d.personalDataPurposes().stream().noneMatch(String::isBlank),
                        "a personal data purpose is blank"));
    }

    /** {@code descriptor()} works before {@code open} and never changes. */
    @Test
    @DisplayName("descriptor: callable before open, equal across calls, instances and the lifecycle")
    public void descriptorIsStable() {
        MiningPlugin plugin = newPlugin();
        PluginDescriptor before = assertDoesNotThrow(plugin::descriptor, "descriptor() must work before open()");
        assertEquals(before, plugin.descriptor(), "descriptor() changed between two calls");
        assertEquals(before, newPlugin().descriptor(), "two instances describe themselves differently");
        try (PluginHarness h = PluginHarness.of(plugin).config(validConfig()).open()) {
            assertEquals(before, plugin.descriptor(), "descriptor() changed after open()");
            h.feed(Fixtures.productViewed("conformance-user", "p-1", "Books", Fixtures.T0));
        }
        assertEquals(before, plugin.descriptor(), "descriptor() changed after close()");
    }

    /** Every property has a description for the admin UI. */
    @Test
    @DisplayName("config: every property is described")
    public void configPropertiesAreDocumented() {
        List<String> undocumented = spec().properties().stream().filter(p -> p.description().isBlank())
                .map(ConfigProperty::name).toList();
        assertTrue(undocumented.isEmpty(), "config properties without a description: " + undocumented);
    }

    /** The valid configuration, every default and every bound validate; bounds are ordered. */
    @Test
    @DisplayName("config: validConfig(), defaults and bounds validate")
    public void configDefaultsValidate() {
        ConfigSpec spec = spec();
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertDoesNotThrow(() -> spec.validate(validConfig()), "validConfig() does not validate"));
        for (ConfigProperty p : spec.properties()) {
            if (p.required()) {
                checks.add(() -> assertTrue(validConfig().containsKey(p.name()),
                        "required property " + p.name() + " missing from validConfig()"));
                continue;
            }
            Map<String, String> withDefault = new LinkedHashMap<>(validConfig());
            withDefault.remove(p.name());
            checks.add(() -> assertDoesNotThrow(() -> spec.validate(withDefault),
                    "default '" + p.defaultValue() + "' of " + p.name() + " does not validate"));
            for (String bound : new String[] {p.min(), p.max()}) {
                if (bound != null) {
                    checks.add(() -> assertDoesNotThrow(() -> spec.validate(with(p.name(), bound)),
                            "bound '" + bound + "' of " + p.name() + " does not validate (bounds are inclusive)"));
                }
            }
        }
        assertAll("config spec", checks.stream());
    }

    /** An unknown property is refused, by name, by the spec and when the harness opens the plugin. */
    @Test
    @DisplayName("config: an unknown property is refused by name")
    public void configRejectsUnknownProperty() {
        Map<String, String> raw = with(UNKNOWN_PROPERTY, "1");
        assertRefused(raw, UNKNOWN_PROPERTY);
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> PluginHarness.of(newPlugin()).config(raw).open(), "the harness opened with an unknown property");
        assertNamed(e, UNKNOWN_PROPERTY);
    }

    /** Values just outside each bound are refused, naming the property. */
    @Test
    @DisplayName("config: values just outside each bound are refused by name")
    public void configRejectsOutOfBoundsValues() {
        List<ConfigProperty> bounded = spec().properties().stream().filter(p -> p.min() != null || p.max() != null).toList();
        assumeTrue(!bounded.isEmpty(), "no bounded config property");
        List<Executable> checks = new ArrayList<>();
        for (ConfigProperty p : bounded) {
            if (p.min() != null) {
                String below = outside(p, p.min(), -1);
                checks.add(() -> assertRefused(with(p.name(), below), p.name()));
            }
            if (p.max() != null) {
                String above = outside(p, p.max(), +1);
                checks.add(() -> assertRefused(with(p.name(), above), p.name()));
            }
        }
        assertAll("bounds", checks.stream());
    }

    /** A value that does not parse as the property's type is refused, naming the property. */
    @Test
    @DisplayName("config: ill-typed values are refused by name")
    public void configRejectsIllTypedValues() {
        List<ConfigProperty> typed = spec().properties().stream()
                .filter(p -> p.type() != ConfigType.STRING && p.type() != ConfigType.LIST).toList();
        assumeTrue(!typed.isEmpty(), "no config property with a checked type");
        assertAll("types", typed.stream().map(p -> (Executable) () -> assertRefused(with(p.name(), "not-a-" + p.type().name().toLowerCase()
                + "-value"), p.name())));
    }

    /** Leaving out a required property is refused, naming it. */
    @Test
    @DisplayName("config: a missing required property is refused by name")
    public void configRejectsMissingRequiredProperty() {
        List<ConfigProperty> required = spec().properties().stream().filter(ConfigProperty::required).toList();
        assumeTrue(!required.isEmpty(), "no required config property");
        assertAll("required", required.stream().map(p -> (Executable) () -> {
            Map<String, String> raw = new LinkedHashMap<>(validConfig());
            raw.remove(p.name());
            assertRefused(raw, p.name());
        }));
    }

    // ---------------------------------------------------------------- behaviour

    /** After a replay of the same simulated events (and the same training), the serving view is the same. */
    @Test
    @DisplayName("replay: re-processing the history publishes the same results")
    public void replayRepublishesTheSameResults() {
        SimulatorConfig sim = simulation();
        try (PluginHarness h = harness().open()) {
            h.feedSimulation(sim);
            h.train(trainingCutoff(sim));
            Map<ResultKey, Result> before = h.results().latest();
            h.replay();
            h.train(trainingCutoff(sim));
            Map<ResultKey, Result> after = h.results().latest();
            assertTrue(before.equals(after), () -> "results differ after replay: " + difference(before, after));
        }
    }

    /** After a replay, the state holds the same keys and bytes. */
    @Test
    @DisplayName("replay: re-processing the history rebuilds the same state")
    public void replayRebuildsTheSameState() {
        SimulatorConfig sim = simulation();
        try (PluginHarness h = harness().open()) {
            h.feedSimulation(sim);
            h.train(trainingCutoff(sim));
            Map<String, byte[]> before = h.state().snapshot();
            h.replay();
            h.train(trainingCutoff(sim));
            Map<String, byte[]> after = h.state().snapshot();
            assertTrue(InMemoryStateStore.sameContent(before, after), () -> "state differs after replay: "
                    + stateDifference(before, after));
        }
    }

    /** Two fresh instances fed the same seeded simulation publish the same results in the same order. */
    @Test
    @DisplayName("determinism: two instances fed the same simulation publish the same results")
    public void isDeterministic() {
        SimulatorConfig sim = simulation();
        List<Result> first;
        List<Result> second;
        try (PluginHarness a = harness().open()) {
            a.feedSimulation(sim);
            a.train(trainingCutoff(sim));
            first = a.results().all();
        }
        try (PluginHarness b = harness().open()) {
            b.feedSimulation(sim);
            b.train(trainingCutoff(sim));
            second = b.results().all();
        }
        for (int i = 0; i < Math.min(first.size(), second.size()); i++) {
            if (!first.get(i).equals(second.get(i))) {
                fail("result #" + i + " differs between two runs:\n  " + first.get(i) + "\n  " + second.get(i));
            }
        }
        assertEquals(first.size(), second.size(), "number of results differs between two runs");
    }

    /**
     * In cluster mode the processor moves to another JVM at any time (ADR 0018), which opens a new instance over the
     * same stores. Instance A is fed the history up to {@link #handOverAt}, trains on it, and the processor moves:
     * instance B starts from A's stores ({@link PluginHarness#onAnotherInstance}). Both are fed the rest of the
     * simulation and trained at {@link #trainingCutoff}; B must publish exactly what A publishes, in the same order,
     * and end with the same state and model versions. A plugin that kept something it needs only in memory (a model,
     * a cache that changes outputs) fails here.
     *
     * @since 0.3
     */
    @Test
    @DisplayName("cluster: a fresh instance over the stores goes on exactly as the instance it takes over from")
    public void anotherInstanceGoesOnAlike() {
        SimulatorConfig sim = simulation();
        Instant handOver = handOverAt(sim);
        List<BehaviorEvent> events = Simulations.run(sim).events();
        int split = 0;
        while (split < events.size() && events.get(split).occurredAt().isBefore(handOver)) {
            split++;
        }
        List<BehaviorEvent> before = events.subList(0, split);
        List<BehaviorEvent> after = events.subList(split, events.size());
        try (PluginHarness a = harness().open()) {
            a.feed(before);
            a.train(handOver);
            try (PluginHarness b = a.onAnotherInstance(newPlugin()).open()) {
                b.results().clear(); // what opening publishes is the host's re-open, not compared
                int mark = a.results().size();
                a.feed(after);
                b.feed(after);
                assertSameResults("after the hand-over", a.results().all().subList(mark, a.results().size()), b.results().all());
                mark = a.results().size();
                int markB = b.results().size();
                a.train(trainingCutoff(sim));
                b.train(trainingCutoff(sim));
                assertSameResults("training after the hand-over", a.results().all().subList(mark, a.results().size()),
                        b.results().all().subList(markB, b.results().size()));
                Map<String, byte[]> stateA = a.state().snapshot();
                Map<String, byte[]> stateB = b.state().snapshot();
                assertTrue(InMemoryStateStore.sameContent(stateA, stateB), () -> "state differs between the instances: "
                        + stateDifference(stateA, stateB));
                assertEquals(versions(a.models()), versions(b.models()), "model versions differ between the instances");
            }
        }
    }

    /**
     * A plugin that declares {@link Partitioning#BY_PERSON} keeps its side of that promise: the host may fold people on
     * different segments, in any interleaving. The simulation's people (identifiers joined by the events that name two
     * of them) are split over two segments; their events are fed in chunks that alternate between the segments, each
     * person's in log order, each segment's batches of its own part ({@link io.footfall.api.plugin.EventBatch#part()}). No
     * state key may be changed by the events of both segments (a key two people share would be overwritten by concurrent
     * segments in the host), and the state and the latest results must equal those of the same simulation fed in log
     * order on part 0 — except the keys of parts ({@link io.footfall.api.store.StateStore#partKey}), which hold each
     * part's share of a figure and so differ by construction: for those, training on the folded-apart state must publish
     * what training on the in-order state publishes. A plugin whose results read figures merged from the parts may ask
     * for the same result keys only ({@link #sameResultsWhenFoldedApart()}). Skipped for a plugin folded on one segment.
     *
     * @since 0.6 (parts since 1.7)
     */
    @Test
    @DisplayName("by person: people folded apart, in any interleaving, give the same state, and no state key is shared")
    public void foldsPeopleApartAlike() {
        assumeTrue(newPlugin().descriptor().partitioning() == Partitioning.BY_PERSON, "the plugin is folded on one segment");
        List<BehaviorEvent> events = Simulations.run(simulation()).events();
        Map<String, Integer> changedBy = new java.util.HashMap<>();
        try (PluginHarness split = harness().open(); PluginHarness inOrder = harness().open()) {
            inOrder.feed(events);
            // each segment sees the positions and the log's event time of the whole log, as the host's segments do
            List<List<io.footfall.api.plugin.PositionedEvent>> segments = People.split(inOrder.fedEvents(), 2,
                    io.footfall.api.plugin.PositionedEvent::event);
            int chunk = 37;
            int[] next = new int[segments.size()];
            boolean more = true;
            while (more) {
                more = false;
                for (int segment = 0; segment < segments.size(); segment++) {
                    List<io.footfall.api.plugin.PositionedEvent> own = segments.get(segment);
                    if (next[segment] >= own.size()) {
                        continue;
                    }
                    List<io.footfall.api.plugin.PositionedEvent> part = own.subList(next[segment], Math.min(own.size(), next[segment] + chunk));
                    Map<String, byte[]> before = split.state().snapshot();
                    split.feedSegment(segment, part);
                    for (String key : changedKeys(before, split.state().snapshot())) {
                        Integer earlier = changedBy.putIfAbsent(key, segment);
                        if (earlier != null && earlier != segment) {
                            fail("state key '" + key + "' is changed by the events of people on two segments: with Partitioning.BY_PERSON"
                                    + " every state key must belong to one person (compute shared figures in train)");
                        }
                    }
                    next[segment] += part.size();
                    more = true;
                }
            }
            // each segment read the whole log: its timers stand where the log ends, as the in-order fold's do
            List<io.footfall.api.plugin.PositionedEvent> log = inOrder.fedEvents();
            if (!log.isEmpty()) {
                for (int segment = 0; segment < segments.size(); segment++) {
                    split.logTimeReached(segment, log.get(log.size() - 1).watermark());
                }
            }
            Map<String, byte[]> apart = withoutParts(split.state().snapshot());
            Map<String, byte[]> ordered = withoutParts(inOrder.state().snapshot());
            assertTrue(InMemoryStateStore.sameContent(apart, ordered), () -> "state differs when people are folded apart: "
                    + stateDifference(apart, ordered));
            Map<ResultKey, Result> apartResults = split.results().latest();
            Map<ResultKey, Result> orderedResults = inOrder.results().latest();
            assertSameResults(apartResults, orderedResults, "latest results differ when people are folded apart: ",
                    "people folded apart publish other results");
            if (split.state().snapshot().keySet().stream().anyMatch(PluginConformanceTest::isPartKey)) {
                // the parts differ by construction: what the plugin makes of them must not
                Instant cutoff = trainingCutoff(simulation());
                split.train(cutoff);
                inOrder.train(cutoff);
                assertSameResults(split.results().latest(), inOrder.results().latest(),
                        "training on parts folded apart publishes other results: ", "training on parts folded apart publishes other results");
            }
        }
    }

    /** The same latest results, or only the same keys when {@link #sameResultsWhenFoldedApart()} says so. */
    private void assertSameResults(Map<ResultKey, Result> apart, Map<ResultKey, Result> ordered, String differ, String otherKeys) {
        if (sameResultsWhenFoldedApart()) {
            assertTrue(apart.equals(ordered), () -> differ + difference(apart, ordered));
        } else {
            assertEquals(new java.util.TreeSet<>(ordered.keySet()), new java.util.TreeSet<>(apart.keySet()),
                    otherKeys + " (only the keys are compared: sameResultsWhenFoldedApart is false)");
        }
    }

    /** Whether a state key is a part's share of a figure ({@code …#part<n>}, {@link io.footfall.api.store.StateStore#partKey}). */
    static boolean isPartKey(String key) {
        int mark = key.lastIndexOf(io.footfall.api.store.StateStore.PART_MARK);
        int digits = mark + io.footfall.api.store.StateStore.PART_MARK.length();
        return mark >= 0 && digits < key.length() && key.substring(digits).chars().allMatch(Character::isDigit);
    }

    private static Map<String, byte[]> withoutParts(Map<String, byte[]> state) {
        Map<String, byte[]> out = new java.util.TreeMap<>(state);
        out.keySet().removeIf(PluginConformanceTest::isPartKey);
        return out;
    }

    private static Set<String> changedKeys(Map<String, byte[]> before, Map<String, byte[]> after) {
        Set<String> changed = new HashSet<>();
        before.forEach((k, v) -> {
            if (!after.containsKey(k) || !java.util.Arrays.equals(v, after.get(k))) {
                changed.add(k);
            }
        });
        after.keySet().forEach(k -> {
            if (!before.containsKey(k)) {
                changed.add(k);
            }
        });
        return changed;
    }

    private static void assertSameResults(String when, List<Result> a, List<Result> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                fail("result #" + i + " " + when + " differs between the instance that held the processor and the one that took it over:\n  "
                        + a.get(i) + "\n  " + b.get(i));
            }
        }
        assertEquals(a.size(), b.size(), "number of results " + when + " differs between the two instances");
    }

    /** Version number, serving flag and metadata of each stored model (metrics may hold timings). */
    private static List<String> versions(InMemoryModelStore models) {
        return models.versions().stream().map(v -> v.version() + (v.serving() ? " serving " : " ") + new java.util.TreeMap<>(v.metadata()))
                .toList();
    }

    /** Nothing of an undeclared type is published, and no batch fails on simulated traffic. */
    @Test
    @DisplayName("results: only declared result types are published; simulated traffic fails no batch")
    public void publishesOnlyDeclaredResultTypes() {
        SimulatorConfig sim = simulation();
        try (PluginHarness h = harness().failFast(false).open()) {
            h.feedSimulation(sim);
            try {
                h.train(trainingCutoff(sim));
            } catch (PluginInvocationException e) {
                if (e.getCause() instanceof RecordingResultPublisher.UndeclaredResultException) {
                    fail("train published an undeclared result type: " + e.getCause().getMessage());
                }
                throw e;
            }
            Set<ResultType> declared = h.descriptor().produces();
            assertAll("results",
                    () -> assertTrue(h.results().rejected().isEmpty(), () -> "published undeclared result types "
                            + h.results().rejected().stream().map(Result::type).distinct().toList() + ", declared " + declared),
                    () -> assertTrue(h.results().all().stream().allMatch(r -> declared.contains(r.type())),
                            "a recorded result has an undeclared type"),
                    () -> assertTrue(h.deadLetters().isEmpty(), () -> h.deadLetters().size()
                            + " batches of simulated traffic failed, first: " + h.deadLetters().get(0).error()));
        }
    }

    /** {@code close} twice does not throw, and threads the plugin started are gone after it. */
    @Test
    @DisplayName("lifecycle: closes cleanly, twice, leaving no thread behind")
    public void closesCleanly() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        SimulatorConfig sim = simulation();
        MiningPlugin plugin = newPlugin();
        PluginHarness h = PluginHarness.of(plugin).config(validConfig()).open();
        h.feedSimulation(sim);
        h.train(trainingCutoff(sim));
        assertDoesNotThrow(h::close, "close() threw");
        assertDoesNotThrow(plugin::close, "a second close() threw");
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        List<Thread> leaked;
        do {
            leaked = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && !before.contains(t) && !isForeignThread(t)).toList();
            if (leaked.isEmpty()) {
                break;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        } while (System.nanoTime() < deadline);
        List<String> names = leaked.stream().map(Thread::getName).toList();
        assertTrue(leaked.isEmpty(), () -> "threads still alive 2 s after close(): " + names);
    }

    /** A plugin opened and trained with no events at all does not throw. */
    @Test
    @DisplayName("lifecycle: opens, trains and closes with no events")
    public void trainsOnEmptyHistory() {
        try (PluginHarness h = harness().open()) {
            assertDoesNotThrow(() -> h.train(trainingCutoff(simulation())), "train on an empty history threw");
        }
    }

    /**
     * Every standard track event, every other kind of call and a custom event, each with no properties at all,
     * for a known and for an anonymous user, are processed without throwing (the ones the plugin consumes reach it).
     */
    @Test
    @DisplayName("robustness: events without properties of every type do not fail")
    public void toleratesEventsWithoutProperties() {
        List<BehaviorEvent> events = new ArrayList<>();
        Instant at = Fixtures.T0;
        for (StandardEvent s : StandardEvent.values()) {
            events.add(Fixtures.bare(s, "conformance-user", at));
            events.add(Fixtures.track(s.eventName()).anonymous("conformance-anon").at(at).build());
            at = at.plusSeconds(1);
        }
        for (EventKind k : EventKind.values()) {
            events.add(Fixtures.bare(k, "conformance-user", at));
            if (k != EventKind.ALIAS) {
                EventBuilder b = k == EventKind.TRACK ? Fixtures.track("Custom Event") : Fixtures.message(k);
                if (k == EventKind.GROUP) {
                    b.field("groupId", "group-1");
                }
                events.add(b.anonymous("conformance-anon").at(at).build());
            }
            at = at.plusSeconds(1);
        }
        try (PluginHarness h = harness().batchSize(1).failFast(false).open()) {
            h.feed(events);
            String failures = h.deadLetters().stream()
                    .map(d -> d.batch().events().get(0).event().typeLabel() + " (" + d.error() + ")")
                    .collect(Collectors.joining(", "));
            assertTrue(h.deadLetters().isEmpty(), () -> "onEvents threw on events without properties: " + failures);
            assertDoesNotThrow(() -> h.train(Fixtures.day(1)), "train threw after events without properties");
        }
    }

    /** The plugin class is listed in its own module's service file and loads through {@link ServiceLoader}. */
    @Test
    @DisplayName("packaging: registered in META-INF/services/io.footfall.api.plugin.MiningPlugin of its module")
    public void isRegisteredForServiceLoader() throws IOException {
        Class<? extends MiningPlugin> type = newPlugin().getClass();
        ClassLoader loader = type.getClassLoader();
        String resource = "META-INF/services/" + MiningPlugin.class.getName();
        CodeSource source = type.getProtectionDomain().getCodeSource();
        String location = source == null ? null : source.getLocation().toString();
        boolean listedInOwnModule = false;
        List<String> listedElsewhere = new ArrayList<>();
        Enumeration<URL> files = loader.getResources(resource);
        while (files.hasMoreElements()) {
            URL file = files.nextElement();
            if (serviceNames(file).contains(type.getName())) {
                if (location != null && file.toString().contains(location)) {
                    listedInOwnModule = true;
                } else {
                    listedElsewhere.add(file.toString());
                }
            }
        }
        assertTrue(listedInOwnModule, type.getName() + " is not listed in " + resource + " of " + location
                + (listedElsewhere.isEmpty() ? "" : " (only in " + listedElsewhere + ")"));
        List<ServiceLoader.Provider<MiningPlugin>> providers = ServiceLoader.load(MiningPlugin.class, loader).stream()
                .filter(p -> p.type() == type).toList();
        assertEquals(1, providers.size(), "ServiceLoader finds " + type.getName() + " " + providers.size() + " times");
        MiningPlugin loaded = assertDoesNotThrow(() -> providers.get(0).get(),
                "ServiceLoader cannot instantiate it (a public no-argument constructor is required)");
        assertEquals(newPlugin().descriptor(), loaded.descriptor(), "a ServiceLoader instance describes itself differently");
    }

    /**
     * The class path of the plugin as the host would load it from its directory: by default only the plugin's
     * own classes (its jar, or {@code target/classes}). A plugin that ships libraries in its directory adds them,
     * e.g. {@code List.of(codeSource(MyPlugin.class), codeSource(SomeLibrary.class))}.
     */
    protected List<URL> isolatedClassPath() {
        return List.of(codeSource(newPlugin().getClass()));
    }

    /** Where a class was loaded from (a jar or a classes directory). */
    protected static URL codeSource(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("no code source for " + type.getName());
        }
        return source.getLocation();
    }

    /**
     * Loaded as the host loads it, from {@link #isolatedClassPath()} in a class loader that shares only
     * {@code io.footfall.api} and the JDK, the plugin is the only service in its directory and runs the small
     * simulation without missing a class.
     */
    @Test
    @DisplayName("packaging: loads and runs with only io.footfall.api and the JDK beside its own jar")
    public void runsInIsolation() throws IOException {
        Class<? extends MiningPlugin> type = newPlugin().getClass();
        URL[] classPath = isolatedClassPath().toArray(URL[]::new);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (IsolatedPluginLoader loader = new IsolatedPluginLoader(classPath, MiningPlugin.class.getClassLoader())) {
            thread.setContextClassLoader(loader);
            List<MiningPlugin> found = new ArrayList<>();
            assertDoesNotThrow(() -> ServiceLoader.load(MiningPlugin.class, loader).forEach(found::add),
                    "the plugin cannot be instantiated from " + List.of(classPath));
            assertEquals(List.of(type.getName()), found.stream().map(p -> p.getClass().getName()).toList(),
                    "the host loads exactly one plugin per directory");
            MiningPlugin isolated = found.get(0);
            assertTrue(isolated.getClass().getClassLoader() == loader, "the plugin class did not come from its own class path");
            SimulatorConfig sim = simulation();
            assertDoesNotThrow(() -> {
                try (PluginHarness h = PluginHarness.of(isolated).config(validConfig()).open()) {
                    h.feedSimulation(sim);
                    h.train(trainingCutoff(sim));
                }
            }, "the plugin needs classes beyond its class path, io.footfall.api and the JDK "
                    + "(bundle them in its directory and list them in isolatedClassPath())");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    // ---------------------------------------------------------------- helpers

    private ConfigSpec spec() {
        return newPlugin().descriptor().config();
    }

    private Map<String, String> with(String name, String value) {
        Map<String, String> raw = new LinkedHashMap<>(validConfig());
        raw.put(name, value);
        return raw;
    }

    private void assertRefused(Map<String, String> raw, String property) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> spec().validate(raw),
                () -> "config " + raw + " was accepted; " + property + " should be refused");
        assertNamed(e, property);
    }

    private static void assertNamed(InvalidConfigException e, String property) {
        assertTrue(e.errors().stream().map(ConfigError::property).anyMatch(property::equals),
                () -> "errors " + e.errors() + " do not name " + property);
    }

    /** A value just past a bound: one unit below ({@code direction −1}) or above ({@code +1}). */
    static String outside(ConfigProperty p, String bound, int direction) {
        String b = bound.trim();
        return switch (p.type()) {
            case INT, LONG -> new BigInteger(b).add(BigInteger.valueOf(direction)).toString();
            case DOUBLE -> {
                double d = Double.parseDouble(b);
                yield Double.toString(direction < 0 ? Math.nextDown(d) : Math.nextUp(d));
            }
            case DURATION -> Duration.parse(b).plusNanos(direction).toString();
            default -> throw new AssertionError("property " + p.name() + " of type " + p.type() + " cannot have bounds");
        };
    }

    private static List<String> serviceNames(URL file) throws IOException {
        List<String> names = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int hash = line.indexOf('#');
                String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** A short description of how two serving views differ. */
    static String difference(Map<ResultKey, Result> expected, Map<ResultKey, Result> actual) {
        List<String> parts = new ArrayList<>();
        List<ResultKey> missing = expected.keySet().stream().filter(k -> !actual.containsKey(k)).toList();
        List<ResultKey> extra = actual.keySet().stream().filter(k -> !expected.containsKey(k)).toList();
        List<ResultKey> changed = expected.keySet().stream()
                .filter(k -> actual.containsKey(k) && !Objects.equals(expected.get(k), actual.get(k))).toList();
        if (!missing.isEmpty()) {
            parts.add(missing.size() + " missing, e.g. " + first(missing, 5));
        }
        if (!extra.isEmpty()) {
            parts.add(extra.size() + " new, e.g. " + first(extra, 5));
        }
        if (!changed.isEmpty()) {
            ResultKey k = changed.get(0);
            parts.add(changed.size() + " changed, e.g. " + k + ": " + expected.get(k) + " → " + actual.get(k));
        }
        return String.join("; ", parts);
    }

    private static String stateDifference(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        Supplier<List<String>> changed = () -> expected.keySet().stream()
                .filter(k -> actual.containsKey(k) && !java.util.Arrays.equals(expected.get(k), actual.get(k))).toList();
        List<String> missing = expected.keySet().stream().filter(k -> !actual.containsKey(k)).toList();
        List<String> extra = actual.keySet().stream().filter(k -> !expected.containsKey(k)).toList();
        return missing.size() + " keys missing " + first(missing, 5) + ", " + extra.size() + " new " + first(extra, 5)
                + ", " + changed.get().size() + " changed " + first(changed.get(), 5);
    }

    private static <T> List<T> first(List<T> list, int n) {
        return list.subList(0, Math.min(n, list.size()));
    }
}
