/**
 * The churn and purchase-propensity mining plugin: point-in-time behaviour features per user, XGBoost models
 * trained by replay over historical cutoffs and evaluated against a logistic-regression baseline on later cutoffs,
 * and per-user scores with reasons from XGBoost's feature contributions. Depends on {@code io.footfall.api} and
 * XGBoost4J (bundled in the plugin's directory).
 *
 * @since 0.1
 */
package io.footfall.plugins.churn;
