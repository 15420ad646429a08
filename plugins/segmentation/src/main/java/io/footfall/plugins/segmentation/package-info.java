/**
 * The segmentation mining plugin: RFM scores and segments, real-time rule segments and behavioural clusters.
 * Depends on {@code io.footfall.api} and Apache Commons Math only.
 *
 * @since 0.1
 */
package io.footfall.plugins.segmentation;
