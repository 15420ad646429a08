/**
 * Several instances on one PostgreSQL: who is alive ({@link io.footfall.core.cluster.ClusterInstances}) and how the
 * processors are spread over the {@code process} instances ({@link io.footfall.core.cluster.ProcessorBalancer},
 * ADR 0018).
 */
package io.footfall.core.cluster;
