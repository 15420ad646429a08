package io.footfall.testkit;

import io.footfall.api.config.ConfigProperty;
import io.footfall.api.config.ConfigSpec;
import io.footfall.api.config.ConfigType;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.plugin.EventBatch;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.PluginContext;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.plugin.SpiVersion;
import io.footfall.api.plugin.TrainingContext;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.api.result.ReportTable;
import io.footfall.api.result.ResultType;
import io.footfall.api.result.UserScore;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A small well-behaved plugin for the kit's own tests: counts consumed events per user. */
public class CountingPlugin implements MiningPlugin {

    static final PluginDescriptor DESCRIPTOR = new PluginDescriptor("counting", "1.0.0", SpiVersion.CURRENT, "Counting",
            "Counts product views and orders per user.", Set.of("Product Viewed", "Order Completed"),
            Set.of(ResultType.USER_SCORE, ResultType.REPORT_TABLE),
            ConfigSpec.of(
                    ConfigProperty.bounded("weight", ConfigType.INT, "1", "1", "10", "Added per event."),
                    ConfigProperty.bounded("ratio", ConfigType.DOUBLE, "0.5", "0", "1", "Unused ratio."),
                    ConfigProperty.bounded("window", ConfigType.DURATION, "PT1H", "PT1M", "P1D", "Unused window."),
                    ConfigProperty.bounded("big", ConfigType.LONG, "5", "0", "9223372036854775807", "Unused long."),
                    ConfigProperty.choice("mode", "fast", List.of("fast", "slow"), "Unused mode."),
                    ConfigProperty.of("enabled", ConfigType.BOOLEAN, "true", "Unused flag."),
                    ConfigProperty.of("tags", ConfigType.LIST, "", "Unused tags.")),
            Set.of());

    protected PluginContext context;
    protected int weight;

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void open(PluginContext context) {
        this.context = context;
        this.weight = context.config().integer("weight");
    }

    @Override
    public void onEvents(EventBatch batch) {
        for (PositionedEvent p : batch.events()) {
            BehaviorEvent e = p.event();
            String key = "count/" + e.primaryId();
            long n = context.state().get(key).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L) + weight;
            context.state().put(key, ByteBuffer.allocate(8).putLong(n).array());
            context.results().publish(new UserScore(e.primaryId(), "events", n, null, List.of()));
        }
    }

    @Override
    public TrainingReport train(TrainingContext training) {
        long[] n = {0};
        training.history().forEach(training.cutoff().minusSeconds(365L * 86400), training.cutoff(), e -> n[0]++);
        training.progress(1.0, "counted");
        context.results().publish(new ReportTable("counts", List.of("events"), List.of(List.of(n[0]))));
        return new TrainingReport(null, Map.of("events", (double) n[0]), n[0] + " events");
    }
}
