package io.footfall.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ChurnDrivers#OBSERVABLE}: deliveries and support tickets show in the events, the hazard follows them, and
 * the ground truth names the driver that dominated each churner's hazard.
 */
class ObservableChurnTest {

    static final SimulatorConfig CONFIG = SimulatorConfig.builder().seed(11).users(1500).days(75)
            .churnDrivers(ChurnDrivers.OBSERVABLE).build();

    static GroundTruth truth;
    static List<ObjectNode> messages;

    @BeforeAll
    static void run() {
        ListSink sink = new ListSink();
        truth = Simulator.run(CONFIG, sink);
        messages = sink.messages();
    }

    @Test
    void deliveriesAndTicketsAreEmittedAsCustomTrackEvents() {
        Map<String, Integer> orders = new HashMap<>();
        int delivered = 0;
        int late = 0;
        int tickets = 0;
        Map<String, Integer> latePerUser = new HashMap<>();
        Map<String, Integer> ticketsPerUser = new HashMap<>();
        for (ObjectNode m : messages) {
            String event = m.path("event").asText();
            String user = m.path("anonymousId").asText();
            JsonNode p = m.path("properties");
            if (event.equals("Order Completed")) {
                orders.put(p.path("order_id").asText(), 1);
            } else if (event.equals("Order Delivered")) {
                delivered++;
                assertTrue(orders.containsKey(p.path("order_id").asText()), "delivered before ordered: " + m);
                int delay = p.path("delay_days").asInt();
                assertEquals(delay > 0, p.path("late").asBoolean());
                assertEquals(ObservableHazard.PROMISED_DAYS + delay, p.path("delivery_days").asInt());
                if (delay > 0) {
                    late++;
                    latePerUser.merge(user, 1, Integer::sum);
                }
            } else if (event.equals("Support Ticket Opened")) {
                tickets++;
                assertTrue(p.path("ticket_id").asText().startsWith("t-"), m.toString());
                ticketsPerUser.merge(user, 1, Integer::sum);
            }
        }
        assertEquals(truth.count(EventKind.ORDER_DELIVERED), delivered);
        assertEquals(truth.count(EventKind.SUPPORT_TICKET_OPENED), tickets);
        assertTrue(delivered > 0.8 * orders.size(), delivered + " deliveries of " + orders.size() + " orders");
        assertTrue(late > 0.1 * delivered && late < 0.5 * delivered, late + " late of " + delivered);
        assertTrue(tickets > 500, "tickets " + tickets);
        for (UserTruth u : truth.users()) {
            assertEquals(latePerUser.getOrDefault(u.anonymousId(), 0), u.lateDeliveries(), u.toString());
            assertEquals(ticketsPerUser.getOrDefault(u.anonymousId(), 0), u.supportTickets(), u.toString());
            if (u.features().supportTickets() == 0) {
                assertEquals(0, u.supportTickets(), "a user with no support disposition opened a ticket");
            }
        }
    }

    @Test
    void churnedUsersGoSilentAndEveryChurnerHasItsDrivers() {
        Map<String, Instant> last = new HashMap<>();
        for (ObjectNode m : messages) {
            last.merge(m.path("anonymousId").asText(), Instant.parse(m.path("timestamp").asText()),
                    (a, b) -> a.isAfter(b) ? a : b);
        }
        Map<String, Integer> dominant = new TreeMap<>();
        int churned = 0;
        for (UserTruth u : truth.users()) {
            if (!u.churned()) {
                assertNull(u.dominantDriver());
                assertTrue(u.driverTerms().isEmpty());
                continue;
            }
            churned++;
            Instant t = last.get(u.anonymousId());
            assertTrue(t == null || t.isBefore(u.churnInstant()), u + " has a message at " + t);
            assertEquals(ObservableHazard.DRIVERS, new ArrayList<>(u.driverTerms().keySet()));
            dominant.merge(String.valueOf(u.dominantDriver()), 1, Integer::sum);
        }
        System.out.printf("observable churn: %d of %d churned; dominant drivers %s; %d deliveries (%d late), %d tickets, %d events%n",
                churned, truth.users().size(), dominant, truth.count(EventKind.ORDER_DELIVERED),
                truth.users().stream().mapToInt(UserTruth::lateDeliveries).sum(), truth.count(EventKind.SUPPORT_TICKET_OPENED),
                truth.totalEvents());
        assertTrue(churned > 0.2 * truth.users().size() && churned < 0.7 * truth.users().size(), "churned " + churned);
        // discount sensitivity (β 1.0 on 0..1, above its reference 0.5) dominates only churners with nothing else
        for (String driver : ObservableHazard.DRIVERS) {
            double least = driver.equals("discountSensitivity") ? 0.01 : 0.05;
            assertTrue(dominant.getOrDefault(driver, 0) >= least * churned, driver + " dominates too few: " + dominant);
        }
    }

    @Test
    void recentLateDeliveriesAndTicketsRaiseTheHazard() {
        // users prone to late deliveries or to contacting support churn more than those who are not
        double withLate = rate(u -> u.features().deliveryDelayDays() >= 2.5, true);
        double withoutLate = rate(u -> u.features().deliveryDelayDays() <= 0.5, true);
        // churners live shorter and so open fewer tickets: compare by the disposition to open them
        double withTickets = rate(u -> u.features().supportTickets() >= 2, true);
        double withoutTickets = rate(u -> u.features().supportTickets() == 0, true);
        assertTrue(withLate > 1.3 * withoutLate, "late " + withLate + " vs " + withoutLate);
        assertTrue(withTickets > 1.3 * withoutTickets, "tickets " + withTickets + " vs " + withoutTickets);
        for (UserTruth u : truth.users()) {
            if (u.churned()) {
                double[] terms = u.driverTerms().values().stream().mapToDouble(Double::doubleValue).toArray();
                assertEquals(CONFIG.observableHazard().dominant(terms), u.dominantDriver());
            }
        }
    }

    @Test
    void theDefaultDriversEmitNoBackendEvents() {
        SimulatorConfig plain = CONFIG.toBuilder().churnDrivers(ChurnDrivers.STATIC).users(200).build();
        ListSink sink = new ListSink();
        GroundTruth t = Simulator.run(plain, sink);
        assertFalse(t.eventCounts().containsKey("Order Delivered"));
        for (ObjectNode m : sink.messages()) {
            String event = m.path("event").asText();
            assertFalse(event.equals("Order Delivered") || event.equals("Support Ticket Opened"), m.toString());
        }
        for (UserTruth u : t.users()) {
            assertNull(u.dominantDriver());
            assertEquals(0, u.lateDeliveries() + u.supportTickets());
        }
        assertNotNull(t.hazardModel());
    }

    private static double rate(java.util.function.Predicate<UserTruth> p, boolean value) {
        List<UserTruth> group = truth.users().stream().filter(u -> p.test(u) == value).toList();
        return group.stream().filter(UserTruth::churned).count() / (double) group.size();
    }
}
