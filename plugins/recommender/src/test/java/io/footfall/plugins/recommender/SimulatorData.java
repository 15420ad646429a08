package io.footfall.plugins.recommender;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.testkit.Simulations;
import java.util.ArrayList;
import java.util.List;

/** Simulated storefront traffic as interactions (views 1, cart adds 3, purchased units 5), for the tests. */
final class SimulatorData {

    private SimulatorData() {
    }

    static SimulatorConfig config(int users, int days) {
        return SimulatorConfig.builder().seed(2026).users(users).days(days).build();
    }

    /** The weighted rows in log order (time = event time, line = position). */
    static List<InteractionLog.Row> rows(List<BehaviorEvent> events) {
        List<InteractionLog.Row> rows = new ArrayList<>();
        int line = 0;
        for (BehaviorEvent e : events) {
            line++;
            String user = e.primaryId();
            if (e.is(StandardEvent.PRODUCT_VIEWED) && e.product() != null && e.product().productId() != null) {
                rows.add(new InteractionLog.Row(user, e.product().productId(), 1, e.occurredAt().toEpochMilli(), line));
            } else if (e.is(StandardEvent.PRODUCT_ADDED) && e.product() != null && e.product().productId() != null) {
                rows.add(new InteractionLog.Row(user, e.product().productId(), 3, e.occurredAt().toEpochMilli(), line));
            } else if (e.is(StandardEvent.ORDER_COMPLETED) && e.order() != null) {
                for (Product p : e.order().products()) {
                    if (p.productId() != null) {
                        rows.add(new InteractionLog.Row(user, p.productId(), 5.0 * p.quantityOrOne(), e.occurredAt().toEpochMilli(), line));
                    }
                }
            }
        }
        return rows;
    }

    static Interactions interactions(SimulatorConfig config) {
        return Evaluation.matrix(rows(Simulations.run(config).events()), false);
    }
}
