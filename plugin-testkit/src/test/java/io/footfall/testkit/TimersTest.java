package io.footfall.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.plugin.EventBatch;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.PluginContext;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.plugin.SpiVersion;
import io.footfall.api.plugin.Timer;
import io.footfall.api.plugin.TimerBatch;
import io.footfall.api.plugin.UserRef;
import io.footfall.api.store.TimersInState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Plugin timers (SPI 1.9) as the harness delivers them and as {@link TimersInState} keeps them. */
class TimersTest {

    private static final Instant T0 = Fixtures.T0;

    /** Sets a timer an hour after each product view of a user; records calls and the timers it was handed. */
    static final class HourAfterViewPlugin implements MiningPlugin {
        final List<String> calls = new ArrayList<>();
        final List<String> fired = new ArrayList<>();
        /** Throws in onTimers this many times. */
        int failTimers;
        private PluginContext context;

        @Override
        public PluginDescriptor descriptor() {
            return new PluginDescriptor("hour-after", "1.0.0", SpiVersion.CURRENT, "Hour after", "Timers an hour after views.",
                    Set.of("Product Viewed"), Set.of(), null, Set.of());
        }

        @Override
        public void open(PluginContext context) {
            this.context = context;
        }

        @Override
        public void onEvents(EventBatch batch) {
            calls.add("events");
            for (PositionedEvent e : batch.events()) {
                context.timers().set(UserRef.of(e.event()), e.event().occurredAt().plus(Duration.ofHours(1)));
            }
        }

        @Override
        public void onTimers(TimerBatch timers) {
            calls.add("timers");
            if (failTimers > 0) {
                failTimers--;
                throw new IllegalStateException("planted failure");
            }
            for (Timer t : timers.due()) {
                fired.add(t.user().id() + "@" + Duration.between(T0, t.at()).toMinutes() + "m/" + Duration.between(T0, timers.watermark()).toMinutes() + "m");
            }
        }
    }

    @Test
    void aTimerFiresOnceAtItsLatestTimeAfterTheEventsThatReachIt() {
        HourAfterViewPlugin plugin = new HourAfterViewPlugin();
        try (PluginHarness h = PluginHarness.of(plugin).open()) {
            h.feed(Fixtures.productViewed("u1", "p-1", "Books", T0),
                    Fixtures.productViewed("u1", "p-2", "Books", T0.plusSeconds(600)), // replaces u1's timer: 70 m
                    Fixtures.productViewed("u2", "p-3", "Books", T0.plusSeconds(1200))); // 80 m
            assertEquals(List.of(), plugin.fired);
            // a page view is not consumed: the log's time moves on and the harness delivers the timers on their own
            h.feed(Fixtures.page("u3", "Home", T0.plusSeconds(75 * 60)));
            assertEquals(List.of("u1@70m/75m"), plugin.fired, "u1's first timer was replaced, u2's is not due");
            assertEquals(List.of("events", "timers"), plugin.calls);
            h.feed(Fixtures.productViewed("u3", "p-4", "Books", T0.plusSeconds(120 * 60)));
            assertEquals(List.of("u1@70m/75m", "u2@80m/120m"), plugin.fired);
            assertEquals(List.of("events", "timers", "events", "timers"), plugin.calls, "after the events of the batch that reached it");
            h.feed(Fixtures.page("u9", "Home", T0.plusSeconds(500 * 60)));
            assertEquals(List.of("u1@70m/75m", "u2@80m/120m", "u3@180m/500m"), plugin.fired, "each timer once");
        }
    }

    @Test
    void aFailedCallKeepsTheTimersItTookAndTheNextBatchDeliversThem() {
        HourAfterViewPlugin plugin = new HourAfterViewPlugin();
        plugin.failTimers = 1;
        try (PluginHarness h = PluginHarness.of(plugin).failFast(false).open()) {
            h.feed(Fixtures.productViewed("u1", "p-1", "Books", T0));
            h.feed(Fixtures.productViewed("u2", "p-2", "Books", T0.plusSeconds(90 * 60))); // fails in onTimers: rolled back
            assertEquals(List.of(), plugin.fired);
            assertEquals(1, h.deadLetters().size(), "the batch is parked, as the host parks it");
            h.feed(Fixtures.page("u3", "Home", T0.plusSeconds(100 * 60)));
            assertEquals(List.of("u1@60m/100m"), plugin.fired, "u1's timer survived the failed call; u2's was never set");
        }
    }

    @Test
    void aReplayFiresTheSameTimersAndEndsInTheSameState() {
        HourAfterViewPlugin plugin = new HourAfterViewPlugin();
        try (PluginHarness h = PluginHarness.of(plugin).batchSize(1).open()) {
            for (int i = 0; i < 10; i++) {
                h.feed(Fixtures.productViewed("u" + (i % 3), "p-" + i, "Books", T0.plusSeconds(i * 1800L)));
            }
            var live = h.state().snapshot();
            List<String> firedLive = List.copyOf(plugin.fired);
            assertTrue(firedLive.size() >= 3, "timers fired: " + firedLive);
            plugin.fired.clear();
            h.replay();
            assertEquals(firedLive, plugin.fired);
            assertTrue(InMemoryStateStore.sameContent(live, h.state().snapshot()), "the stored timers are rebuilt as they were");
        }
    }

    /** As on the host's segments: a user's timer fires with the batches of the part that user's events were fed on. */
    @Test
    void aUsersTimerFiresOnThePartItsEventsAreFedOn() {
        HourAfterViewPlugin plugin = new HourAfterViewPlugin();
        try (PluginHarness h = PluginHarness.of(plugin).open()) {
            h.feed(1, List.of(Fixtures.productViewed("u1", "p-1", "Books", T0)));
            h.feed(0, List.of(Fixtures.productViewed("u2", "p-2", "Books", T0.plusSeconds(60))));
            h.feed(0, List.of(Fixtures.page("u3", "Home", T0.plusSeconds(120 * 60))));
            assertEquals(List.of("u2@61m/120m"), plugin.fired, "part 0's batch fires part 0's user only");
            h.feed(1, List.of(Fixtures.page("u4", "Home", T0.plusSeconds(130 * 60))));
            assertEquals(List.of("u2@61m/120m", "u1@60m/130m"), plugin.fired);
        }
    }

    @Test
    void pluginsCannotWriteTheHostsKeys() {
        InMemoryStateStore state = new InMemoryStateStore();
        assertThrows(IllegalArgumentException.class, () -> state.put(TimersInState.HOST_PREFIX + "u/u/x", new byte[] {1}));
        assertThrows(IllegalArgumentException.class, () -> state.delete(TimersInState.HOST_PREFIX + "t/"));
        new TimersInState(state.hostView()).set(UserRef.user("x"), T0);
        assertEquals(2, state.size(), "the host writes them");
    }

    @Test
    void eachTimerHasOneIndexKeyAndTheLimitIsKept() {
        InMemoryStateStore state = new InMemoryStateStore();
        TimersInState timers = new TimersInState(state.hostView());
        assertEquals(Long.MAX_VALUE, timers.earliest());
        for (int i = 0; i < 5; i++) {
            timers.set(UserRef.visitor("a" + i), T0.plusSeconds(i));
        }
        timers.set(UserRef.visitor("a0"), T0.plusSeconds(100)); // replaces a0's
        timers.clear(UserRef.visitor("a1"));
        timers.setAll(java.util.Map.of(UserRef.user("a2"), java.util.Optional.of(T0.plusSeconds(2)), // a user, not the visitor a2
                UserRef.visitor("a9"), java.util.Optional.empty()));                                  // clearing none is fine
        assertEquals(2 * 5, state.size(), "two keys per timer: a0, a2, a3, a4 and user a2");
        assertEquals(T0.plusSeconds(2).toEpochMilli(), timers.earliest());
        List<Timer> due = timers.takeDue(T0.plusSeconds(3).toEpochMilli(), 2);
        assertEquals(List.of(new Timer(UserRef.visitor("a2"), T0.plusSeconds(2)), new Timer(UserRef.user("a2"), T0.plusSeconds(2))), due);
        assertEquals(List.of(new Timer(UserRef.visitor("a3"), T0.plusSeconds(3))), timers.takeDue(T0.plusSeconds(3).toEpochMilli(), 2));
        assertEquals(List.of(), timers.takeDue(T0.plusSeconds(3).toEpochMilli(), 2));
        assertEquals(T0.plusSeconds(4).toEpochMilli(), timers.earliest());
        // an index key whose user's current time differs is dropped when it comes due, and fires nothing
        state.hostView().put(TimersInState.HOST_PREFIX + "t/" + String.format("%015d", T0.plusSeconds(5).toEpochMilli()) + "/a/a4", new byte[0]);
        assertEquals(List.of(new Timer(UserRef.visitor("a4"), T0.plusSeconds(4)), new Timer(UserRef.visitor("a0"), T0.plusSeconds(100))),
                timers.takeDue(T0.plusSeconds(100).toEpochMilli(), 10));
        assertEquals(0, state.size(), "nothing left behind");
    }

    /** The index is read in growing pages: past the due keys it learns the next due time, at the limit it does not. */
    @Test
    void takingReadsInPagesAndTellsTheNextDueTime() {
        InMemoryStateStore state = new InMemoryStateStore();
        TimersInState timers = new TimersInState(state.hostView());
        java.util.Map<UserRef, java.util.Optional<Instant>> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            many.put(UserRef.user("u" + i), java.util.Optional.of(T0.plusMillis(i)));
        }
        many.put(UserRef.user("later"), java.util.Optional.of(T0.plusSeconds(60)));
        timers.setAll(many);
        TimersInState.Taken cut = timers.take(T0.plusSeconds(1).toEpochMilli(), 200, users -> users);
        assertEquals(200, cut.due().size());
        assertEquals(Long.MIN_VALUE, cut.next(), "the limit stopped the read among due keys: the next is not known");
        TimersInState.Taken rest = timers.take(T0.plusSeconds(1).toEpochMilli(), 5_000, users -> users);
        assertEquals(100, rest.due().size(), "the rest, over a second page");
        assertEquals(T0.plusSeconds(60).toEpochMilli(), rest.next());
        TimersInState.Taken last = timers.take(T0.plusSeconds(60).toEpochMilli(), 5_000, users -> users);
        assertEquals(List.of(new Timer(UserRef.user("later"), T0.plusSeconds(60))), last.due());
        assertEquals(Long.MAX_VALUE, last.next(), "nothing left");
    }

    /** Users a segment does not fold are left alone, their keys too. */
    @Test
    void onlyTheUsersTheCallerMayTakeAreTaken() {
        InMemoryStateStore state = new InMemoryStateStore();
        TimersInState timers = new TimersInState(state.hostView());
        timers.set(UserRef.user("mine"), T0);
        timers.set(UserRef.user("theirs"), T0);
        List<Timer> due = timers.take(T0.toEpochMilli(), 10, users -> {
            assertEquals(Set.of(UserRef.user("mine"), UserRef.user("theirs")), users);
            return Set.of(UserRef.user("mine"));
        }).due();
        assertEquals(List.of(new Timer(UserRef.user("mine"), T0)), due);
        assertEquals(2, state.size(), "the other user's timer is still there");
        assertEquals(List.of(new Timer(UserRef.user("theirs"), T0)), timers.takeDue(T0.toEpochMilli(), 10));
    }
}
