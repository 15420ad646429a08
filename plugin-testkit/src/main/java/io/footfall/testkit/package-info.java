/**
 * A JUnit 5 test kit for Footfall mining plugins, usable without a running Footfall.
 *
 * <ul>
 *   <li>{@link io.footfall.testkit.PluginHarness} drives a plugin through its lifecycle the way the host does:
 *       configuration validated by the descriptor's spec, events filtered by {@code consumes} and delivered in
 *       batches with increasing positions, personal data stripped unless a purpose is declared, state writes
 *       and results of a failed call discarded, replay with cleared state.</li>
 *   <li>In-memory context services: {@link io.footfall.testkit.InMemoryStateStore},
 *       {@link io.footfall.testkit.InMemoryModelStore}, {@link io.footfall.testkit.RecordingResultPublisher},
 *       {@link io.footfall.testkit.TestClock}, {@link io.footfall.testkit.RecordingLogger},
 *       {@link io.footfall.testkit.RecordingMetrics}, {@link io.footfall.testkit.MapProfileReader}.</li>
 *   <li>{@link io.footfall.testkit.Fixtures} builds canonical events through the same Segment mapping the
 *       collectors use; {@link io.footfall.testkit.Simulations} maps simulated storefront traffic.</li>
 *   <li>{@link io.footfall.testkit.PluginConformanceTest} is the base class every plugin's test extends.</li>
 * </ul>
 *
 * @since 0.1
 */
package io.footfall.testkit;
