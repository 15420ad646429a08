package io.footfall.api.plugin;

import io.footfall.api.store.ModelVersion;
import java.util.Map;

/**
 * What a training run produced.
 *
 * @param model   the saved model version, or null when the run saved none
 * @param metrics evaluation metrics
 * @param summary one sentence for operators
 * @since 0.1
 */
public record TrainingReport(ModelVersion model, Map<String, Double> metrics, String summary) {

    /** Copies the metrics. */
    public TrainingReport {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        summary = summary == null ? "" : summary;
    }

    /** A run that trained nothing. */
    public static TrainingReport nothing(String why) {
        return new TrainingReport(null, Map.of(), why);
    }
}
