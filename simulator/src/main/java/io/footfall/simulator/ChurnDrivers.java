package io.footfall.simulator;

/**
 * How the planted churn hazard is driven (see {@link SimulatorConfig#churnDrivers()} and docs/simulator.md, Churn).
 */
public enum ChurnDrivers {
    /**
     * The original model (the default): a memoryless daily hazard {@link HazardModel} from four static covariates
     * drawn once per user; delivery delay and support tickets are ground truth only, never seen in the events. The
     * output is byte-identical to earlier versions.
     */
    STATIC,
    /**
     * Observable drivers ({@link ObservableHazard}): every order gets a delivery outcome, emitted as an
     * {@code Order Delivered} track event (late or on time), support contacts are emitted as
     * {@code Support Ticket Opened} track events when they happen, and the daily hazard rises with the late
     * deliveries and support tickets of the last 30 days and with discount sensitivity, and falls as the account
     * ages.
     */
    OBSERVABLE
}
