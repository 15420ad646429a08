package io.footfall.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One larger simulation shared by the mining-recovery tests (run once per test JVM), reduced on the fly to what
 * those tests need: the product sets of orders, categories viewed per user and each user's last message time.
 */
final class LargeRun {

    static final SimulatorConfig CONFIG = SimulatorConfig.builder().users(2_000).days(30).seed(2026).build();

    final GroundTruth truth;
    final List<List<String>> orders = new ArrayList<>();
    final Map<String, Map<String, Integer>> viewedCategories = new HashMap<>();
    private final Map<String, String> lastTimestamp = new HashMap<>();
    /** Time of each user's last message, by anonymousId. */
    final Map<String, Instant> lastMessage = new HashMap<>();

    private static LargeRun instance;

    private LargeRun() {
        truth = Simulator.run(CONFIG, this::observe);
        lastTimestamp.forEach((user, timestamp) -> lastMessage.put(user, Instant.parse(timestamp)));
    }

    static synchronized LargeRun get() {
        if (instance == null) {
            instance = new LargeRun();
        }
        return instance;
    }

    private void observe(ObjectNode m) {
        String user = m.get("anonymousId").asText();
        lastTimestamp.put(user, m.get("timestamp").asText());
        String event = m.path("event").asText();
        if (event.equals("Product Viewed")) {
            viewedCategories.computeIfAbsent(user, k -> new HashMap<>())
                    .merge(m.get("properties").get("category").asText(), 1, Integer::sum);
        } else if (event.equals("Order Completed")) {
            TreeSet<String> products = new TreeSet<>();
            for (JsonNode item : m.get("properties").get("products")) {
                products.add(item.get("product_id").asText());
            }
            orders.add(List.copyOf(products));
        }
    }
}
