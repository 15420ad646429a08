/**
 * What mining plugins produce: per-user scores with explanations, ranked item lists, segment
 * memberships, association rules, forecasts and free-form report tables. Results are published as
 * events in the log and served by the insights and plugin-results APIs.
 *
 * @since 0.1
 */
package io.footfall.api.result;
