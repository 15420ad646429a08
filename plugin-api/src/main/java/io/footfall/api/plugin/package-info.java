/**
 * The mining plugin SPI. A plugin implements {@link io.footfall.api.plugin.MiningPlugin}, names
 * itself in {@code META-INF/services/io.footfall.api.plugin.MiningPlugin}, and is dropped as a jar
 * (with its own dependencies) into a directory of its own under the host's plugins path.
 *
 * <p>The host loads each plugin in a child-first class loader that shares only {@code io.footfall.api}
 * with the platform, runs it on a streaming processor of its own (own position in the log, own
 * replay and dead letters), and calls it from one thread at a time.
 *
 * @since 0.1
 */
package io.footfall.api.plugin;
