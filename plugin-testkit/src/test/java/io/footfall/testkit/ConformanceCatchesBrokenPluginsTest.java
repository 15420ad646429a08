package io.footfall.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.config.ConfigProperty;
import io.footfall.api.config.ConfigSpec;
import io.footfall.api.config.ConfigType;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.StandardEvent;
import io.footfall.api.plugin.EventBatch;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.PluginContext;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.result.SegmentMembership;
import io.footfall.api.result.UserScore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Each conformance check fails for a plugin that breaks its rule. */
class ConformanceCatchesBrokenPluginsTest {

    private static PluginConformanceTest conformance(Supplier<MiningPlugin> plugin) {
        return kit(plugin, true);
    }

    private static PluginConformanceTest kit(Supplier<MiningPlugin> plugin, boolean sameResultsWhenFoldedApart) {
        return new PluginConformanceTest() {
            @Override
            protected MiningPlugin newPlugin() {
                return plugin.get();
            }

            @Override
            protected boolean sameResultsWhenFoldedApart() {
                return sameResultsWhenFoldedApart;
            }
        };
    }

    private static void fails(Executable check, String expectedText) {
        AssertionError e = assertThrows(AssertionError.class, check);
        assertTrue(String.valueOf(e.getMessage()).contains(expectedText),
                () -> "expected a failure mentioning '" + expectedText + "', got: " + e.getMessage());
    }

    static class Nondeterministic extends CountingPlugin {
        @Override
        public void onEvents(EventBatch batch) {
            for (PositionedEvent p : batch.events()) {
                context.results().publish(new UserScore(p.event().primaryId(), "noise", System.nanoTime(), null, List.of()));
            }
        }
    }

    @Test
    void nondeterministicResultsFailDeterminismAndReplay() {
        fails(conformance(Nondeterministic::new)::isDeterministic, "differs between two runs");
        fails(conformance(Nondeterministic::new)::replayRepublishesTheSameResults, "results differ after replay");
    }

    static class ReplaySensitive extends CountingPlugin {
        @Override
        public void onEvents(EventBatch batch) {
            super.onEvents(batch);
            if (!batch.replay()) {
                context.state().put("first-run-only", new byte[] {1});
            }
        }
    }

    @Test
    void stateThatDependsOnTheReplayFlagFailsReplay() {
        fails(conformance(ReplaySensitive::new)::replayRebuildsTheSameState, "state differs after replay");
    }

    /** Counts per person, and says so: may be folded on several segments. */
    static class ByPerson extends CountingPlugin {
        @Override
        public io.footfall.api.plugin.PluginDescriptor descriptor() {
            return DESCRIPTOR.partitionedBy(io.footfall.api.plugin.Partitioning.BY_PERSON);
        }
    }

    /** Declares itself foldable by person but keeps a total that every person's events change. */
    static class ByPersonWithATotal extends ByPerson {
        @Override
        public void onEvents(EventBatch batch) {
            super.onEvents(batch);
            long total = context.state().get("total").map(b -> java.nio.ByteBuffer.wrap(b).getLong()).orElse(0L) + batch.events().size();
            context.state().put("total", java.nio.ByteBuffer.allocate(8).putLong(total).array());
        }
    }

    /** Keeps its total in parts (SPI 1.7) and sums them when training: foldable by person. */
    static class ByPersonWithPartTotals extends ByPerson {
        @Override
        public void onEvents(EventBatch batch) {
            super.onEvents(batch);
            String key = io.footfall.api.store.StateStore.partKey("total", batch.part());
            long total = context.state().get(key).map(b -> java.nio.ByteBuffer.wrap(b).getLong()).orElse(0L) + batch.events().size();
            context.state().put(key, java.nio.ByteBuffer.allocate(8).putLong(total).array());
        }

        @Override
        public io.footfall.api.plugin.TrainingReport train(io.footfall.api.plugin.TrainingContext training) {
            io.footfall.api.plugin.TrainingReport report = super.train(training);
            context.results().publish(new io.footfall.api.result.ReportTable("total", List.of("events"), List.of(List.of(total()))));
            return report;
        }

        long total() {
            return context.state().parts("total").values().stream().mapToLong(b -> java.nio.ByteBuffer.wrap(b).getLong()).sum();
        }
    }

    /** Writes its total in parts but reads only part 0 when training: loses the other segments' counts. */
    static class ByPersonReadingOnePart extends ByPersonWithPartTotals {
        @Override
        long total() {
            return context.state().get(io.footfall.api.store.StateStore.partKey("total", 0)).map(b -> java.nio.ByteBuffer.wrap(b).getLong())
                    .orElse(0L);
        }
    }

    @Test
    void aFigureKeptInPartsPassesWhenTrainingMergesThePartsAndFailsWhenItDoesNot() {
        conformance(ByPersonWithPartTotals::new).foldsPeopleApartAlike();
        fails(conformance(ByPersonReadingOnePart::new)::foldsPeopleApartAlike, "training on parts folded apart publishes other results");
    }

    /** Publishes, per person, everyone's events counted so far (the parts merged): depends on how far the other parts got. */
    static class ByPersonWithALiveTotal extends ByPersonWithPartTotals {
        @Override
        public void onEvents(EventBatch batch) {
            super.onEvents(batch);
            long total = total();
            for (PositionedEvent p : batch.events()) {
                context.results().publish(new UserScore(p.event().primaryId(), "events-so-far", total, null, List.of()));
            }
        }
    }

    /** Also publishes a result named after its part: folded apart, results exist that the log in order never has. */
    static class ByPersonWithPartResults extends ByPersonWithALiveTotal {
        @Override
        public void onEvents(EventBatch batch) {
            super.onEvents(batch);
            context.results().publish(new io.footfall.api.result.ReportTable("part-" + batch.part(), List.of("events"),
                    List.of(List.of(batch.events().size()))));
        }
    }

    /** The kit for a plugin that says its results may differ when its people are folded apart. */
    private static PluginConformanceTest approximate(Supplier<MiningPlugin> plugin) {
        return kit(plugin, false);
    }

    @Test
    void resultsReadFromEveryPartMayDifferFoldedApartOnlyWhenThePluginSaysSoAndNeverInTheirKeys() {
        fails(conformance(ByPersonWithALiveTotal::new)::foldsPeopleApartAlike, "latest results differ when people are folded apart");
        approximate(ByPersonWithALiveTotal::new).foldsPeopleApartAlike();
        fails(approximate(ByPersonWithPartResults::new)::foldsPeopleApartAlike, "people folded apart publish other results");
        // the state outside the parts is still compared
        fails(approximate(ByPersonWithATotal::new)::foldsPeopleApartAlike, "state key 'total' is changed by the events of people on two segments");
    }

    @Test
    void aStateKeySharedByPeopleFailsThePartitioningCheck() {
        conformance(ByPerson::new).foldsPeopleApartAlike();
        fails(conformance(ByPersonWithATotal::new)::foldsPeopleApartAlike, "state key 'total' is changed by the events of people on two segments");
        // a plugin folded on one segment is not asked
        assertThrows(org.opentest4j.TestAbortedException.class, conformance(CountingPlugin::new)::foldsPeopleApartAlike);
    }

    /** Keeps what training learnt in a field only: an instance on another pod serves without it. */
    static class ModelInMemory extends CountingPlugin {
        private long trained;

        @Override
        public io.footfall.api.plugin.TrainingReport train(io.footfall.api.plugin.TrainingContext training) {
            long[] n = {0};
            training.history().forEach(null, training.cutoff(), e -> n[0]++);
            trained = n[0];
            return io.footfall.api.plugin.TrainingReport.nothing("kept in memory");
        }

        @Override
        public void onEvents(EventBatch batch) {
            for (PositionedEvent p : batch.events()) {
                context.results().publish(new UserScore(p.event().primaryId(), "trained", trained, null, List.of()));
            }
        }
    }

    @Test
    void aModelKeptOnlyInMemoryFailsTheHandOverToAnotherInstance() {
        fails(conformance(ModelInMemory::new)::anotherInstanceGoesOnAlike, "after the hand-over differs");
    }

    static class Undeclared extends CountingPlugin {
        @Override
        public void onEvents(EventBatch batch) {
            context.results().publish(new SegmentMembership(batch.events().get(0).event().primaryId(), "s", true, 1));
        }
    }

    @Test
    void undeclaredResultTypesFail() {
        fails(conformance(Undeclared::new)::publishesOnlyDeclaredResultTypes, "SEGMENT_MEMBERSHIP");
    }

    static class ThreadLeaker extends CountingPlugin {
        static final List<Thread> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void open(PluginContext context) {
            super.open(context);
            Thread t = new Thread(() -> {
                // idles for a minute, outliving close(): the leak the conformance check must catch
                java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofSeconds(60).toNanos());
            }, "leaky-worker");
            t.setDaemon(true);
            t.start();
            STARTED.add(t);
        }
    }

    @Test
    void threadsLeftRunningAfterCloseFail() {
        try {
            fails(conformance(ThreadLeaker::new)::closesCleanly, "leaky-worker");
        } finally {
            ThreadLeaker.STARTED.forEach(Thread::interrupt);
        }
    }

    static class CloseOnce extends CountingPlugin {
        private boolean closed;

        @Override
        public void close() {
            if (closed) {
                throw new IllegalStateException("closed twice");
            }
            closed = true;
        }
    }

    @Test
    void aSecondCloseThatThrowsFails() {
        fails(conformance(CloseOnce::new)::closesCleanly, "second close() threw");
    }

    static class Fragile extends CountingPlugin {
        @Override
        public void onEvents(EventBatch batch) {
            for (PositionedEvent p : batch.events()) {
                BehaviorEvent e = p.event();
                if (e.is(StandardEvent.PRODUCT_VIEWED) && e.product().productId().isEmpty()) {
                    throw new IllegalStateException("unreachable");
                }
            }
        }
    }

    @Test
    void eventsWithoutPropertiesThatCrashFail() {
        fails(conformance(Fragile::new)::toleratesEventsWithoutProperties, "Product Viewed");
    }

    static class Unregistered extends CountingPlugin {
    }

    @Test
    void aPluginMissingFromItsServiceFileFails() {
        fails(conformance(Unregistered::new)::isRegisteredForServiceLoader, "is not listed in META-INF/services");
    }

    static class BadDescriptor extends CountingPlugin {
        @Override
        public PluginDescriptor descriptor() {
            PluginDescriptor d = super.descriptor();
            return new PluginDescriptor(d.id(), "latest", "2.0", d.name(), " ", d.consumes(), Set.of(), d.config(),
                    d.personalDataPurposes());
        }
    }

    @Test
    void anInvalidDescriptorFailsWithEveryProblem() {
        AssertionError e = assertThrows(AssertionError.class, conformance(BadDescriptor::new)::descriptorIsValid);
        for (String problem : List.of("version must look like", "spiVersion 2.0", "description is blank", "produces declares no")) {
            assertTrue(e.getMessage().contains(problem), () -> "missing '" + problem + "' in " + e.getMessage());
        }
    }

    static class UnstableDescriptor extends CountingPlugin {
        private static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public PluginDescriptor descriptor() {
            PluginDescriptor d = super.descriptor();
            return new PluginDescriptor(d.id(), "1.0." + CALLS.incrementAndGet(), d.spiVersion(), d.name(),
                    d.description(), d.consumes(), d.produces(), d.config(), d.personalDataPurposes());
        }
    }

    @Test
    void aChangingDescriptorFails() {
        fails(conformance(UnstableDescriptor::new)::descriptorIsStable, "descriptor() changed");
    }

    static class Undescribed extends CountingPlugin {
        @Override
        public PluginDescriptor descriptor() {
            PluginDescriptor d = super.descriptor();
            return new PluginDescriptor(d.id(), d.version(), d.spiVersion(), d.name(), d.description(), d.consumes(),
                    d.produces(), ConfigSpec.of(ConfigProperty.bounded("weight", ConfigType.INT, "1", "1", "10", "")),
                    d.personalDataPurposes());
        }
    }

    @Test
    void aDefaultOutsideItsBoundsCannotBeBuiltAndAnUndescribedPropertyFails() {
        // a default outside its bounds is a programming error the SPI refuses when the property is built
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigProperty.bounded("weight", ConfigType.INT, "0", "1", "10", ""));
        assertTrue(e.getMessage().contains("default 0 is outside its bounds [1, 10]"), e.getMessage());
        fails(conformance(Undescribed::new)::configPropertiesAreDocumented, "[weight]");
    }

    @Test
    void aPluginThatNeedsAnUnbundledLibraryFailsInIsolation(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // a plugin directory holding only JacksonPlugin (and its superclass): Jackson is not there
        for (Class<?> c : List.of(JacksonPlugin.class, CountingPlugin.class)) {
            String file = c.getName().replace('.', '/') + ".class";
            java.nio.file.Path target = dir.resolve(file);
            java.nio.file.Files.createDirectories(target.getParent());
            try (var in = c.getClassLoader().getResourceAsStream(file)) {
                java.nio.file.Files.copy(in, target);
            }
        }
        java.nio.file.Path services = dir.resolve("META-INF/services/" + MiningPlugin.class.getName());
        java.nio.file.Files.createDirectories(services.getParent());
        java.nio.file.Files.writeString(services, JacksonPlugin.class.getName() + "\n");
        PluginConformanceTest conformance = new PluginConformanceTest() {
            @Override
            protected MiningPlugin newPlugin() {
                return new JacksonPlugin();
            }

            @Override
            protected List<java.net.URL> isolatedClassPath() {
                try {
                    return List.of(dir.toUri().toURL());
                } catch (java.net.MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        fails(conformance::runsInIsolation, "needs classes beyond");
        conformance(CountingPlugin::new).runsInIsolation();
    }
}
