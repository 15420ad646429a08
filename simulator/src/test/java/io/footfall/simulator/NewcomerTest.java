package io.footfall.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Newcomers arrive during the run: nothing before their arrival day, an account created that day, tenure 0. */
class NewcomerTest {

    static final SimulatorConfig CONFIG = SimulatorConfig.builder().seed(5).users(400).days(20).newcomerFraction(0.5).build();

    @Test
    void newcomersAppearOnTheirArrivalDayWithANewAccount() {
        ListSink sink = new ListSink();
        GroundTruth truth = Simulator.run(CONFIG, sink);
        Map<String, Instant> first = new HashMap<>();
        Map<String, String> createdAt = new HashMap<>();
        for (ObjectNode m : sink.messages()) {
            String id = m.get("anonymousId").asText();
            first.putIfAbsent(id, Instant.parse(m.get("timestamp").asText()));
            if ("identify".equals(m.get("type").asText())) {
                createdAt.putIfAbsent(id, m.get("traits").get("createdAt").asText());
            }
        }
        long newcomers = truth.users().stream().filter(u -> u.arrivalDay() > 0).count();
        assertTrue(newcomers > 160 && newcomers < 240, newcomers + " newcomers of 400 at 0.5");
        int checked = 0;
        for (UserTruth u : truth.users()) {
            Instant arrival = CONFIG.start().plusSeconds(86_400L * u.arrivalDay());
            assertTrue(u.arrivalDay() >= 0 && u.arrivalDay() < CONFIG.days());
            Instant seen = first.get(u.anonymousId());
            if (seen != null) {
                assertTrue(!seen.isBefore(arrival), u + " emits before arrival: " + seen);
            }
            if (u.churned()) {
                assertTrue(u.churnDay() > u.arrivalDay(), u + " churns before or on arrival");
            }
            if (u.arrivalDay() > 0) {
                assertEquals(0, u.features().tenureDays());
                if (createdAt.containsKey(u.anonymousId())) {
                    assertEquals(arrival, Instant.parse(createdAt.get(u.anonymousId())), "account created on arrival");
                    checked++;
                }
            }
        }
        assertTrue(checked > 50, "newcomers who logged in: " + checked);
    }

    @Test
    void withoutNewcomersEveryUserStartsOnDayZeroAndTheOtherDrawsDoNotChange() {
        SimulatorConfig none = CONFIG.toBuilder().newcomerFraction(0).build();
        GroundTruth plain = Simulator.run(none, m -> { });
        GroundTruth mixed = Simulator.run(CONFIG, m -> { });
        List<UserTruth> a = plain.users();
        List<UserTruth> b = mixed.users();
        int differentTenure = 0;
        for (int i = 0; i < a.size(); i++) {
            assertEquals(0, a.get(i).arrivalDay());
            assertEquals(a.get(i).anonymousId(), b.get(i).anonymousId());
            assertEquals(a.get(i).features().discountSensitivity(), b.get(i).features().discountSensitivity());
            assertEquals(a.get(i).sessionsPerDay(), b.get(i).sessionsPerDay());
            differentTenure += a.get(i).features().tenureDays() != b.get(i).features().tenureDays() ? 1 : 0;
        }
        assertNotEquals(0, differentTenure);
    }
}
