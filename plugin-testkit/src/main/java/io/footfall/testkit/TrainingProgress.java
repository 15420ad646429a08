package io.footfall.testkit;

/**
 * One progress report of a training run.
 *
 * @param fraction the reported fraction
 * @param message  the reported message
 * @since 0.1
 */
public record TrainingProgress(double fraction, String message) {
}
